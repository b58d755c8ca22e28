import { Amf0EncodeError } from '@rtmp/amf0';
import {
  type AggregateMessage,
  aggregateMedia,
  buildCreateStreamResult,
  buildOnFCPublish,
  buildOnFCUnpublish,
  buildResult,
  type CommandMessage,
  type DataMessage,
  DEFAULT_MAX_NAME_LENGTH,
  encodeMessage,
  type MediaMessage,
  MessageError,
  parsePlay,
  parsePlay2,
  parsePublish,
  parseSeek,
  parseStreamNameArgument,
  StatusCode,
  stripSetDataFrame,
} from '@rtmp/messages';
import type { ServerEvent } from './server-events';
import type { ServerSessionOptions } from './server-session-options';
import {
  callFailed,
  command,
  type Outgoing,
  playStarted,
  playSwitched,
  status,
  userControl,
} from './stream-notices';

/** A publish or play the application has to decide. */
export type StreamRequest =
  | { readonly kind: 'publish'; readonly streamId: number; readonly name: string }
  | { readonly kind: 'play'; readonly streamId: number; readonly name: string; readonly queued: boolean };

/** Where {@link NetStreams} puts what it says and raises. */
export interface NetStreamOutput {
  send(outgoing: Outgoing): void;
  event(event: ServerEvent): void;
  /** Raises a request: the session keeps it until it is accepted or rejected. */
  request(request: StreamRequest, event: (requestId: number) => ServerEvent): void;
}

type Stream = { role: 'none' | 'publish' | 'play'; name: string };

const splitName = (raw: string) => {
  const at = raw.indexOf('?');
  return at === -1 ? { name: raw, query: '' } : { name: raw.slice(0, at), query: raw.slice(at + 1) };
};

/** The commands {@link NetStreams.command} takes. */
export const STREAM_COMMANDS: ReadonlySet<string> = new Set([
  'createStream',
  'deleteStream',
  'closeStream',
  'releaseStream',
  'FCPublish',
  'FCUnpublish',
  'getStreamLength',
  'publish',
  'play',
  'play2',
  'seek',
  'pause',
  'pauseRaw',
  'pauseraw',
  'receiveAudio',
  'receiveVideo',
]);

/**
 * A connection's message streams (NetStreams) and their commands: createStream up to a bound,
 * publish and play requests on created streams (a play may follow a play: switch, replace or
 * queue), the players' controls, the encoder preamble (releaseStream, FCPublish, FCUnpublish) and
 * the ends (closeStream, deleteStream). Sans-IO, used by {@link ServerSession} once connected.
 */
export class NetStreams {
  readonly #streams = new Map<number, Stream>();
  #nextStreamId = 1;

  constructor(private readonly options: ServerSessionOptions) {}

  /**
   * Audio, video, data or an aggregate from the client: `media` events, only on a stream whose
   * publish was accepted (D13); `@setDataFrame` stripped. Wowza, FMS and relays batch media in
   * aggregates: each audio, video and data sub-message is a media message of its own (its sizes
   * and back-pointers were checked by the decoder).
   */
  media(message: MediaMessage | DataMessage | AggregateMessage, events: ServerEvent[]): void {
    if (this.#streams.get(message.streamId)?.role !== 'publish') return;
    if (message.type !== 'aggregate') {
      const media = message.type === 'data' ? inAmf0(stripSetDataFrame(message)) : message;
      events.push({ type: 'media', streamId: message.streamId, message: media });
      return;
    }
    for (const media of aggregateMedia(message)) this.media(media, events);
  }

  /** Handles a stream command; false when `message` is not one. */
  command(message: CommandMessage, out: NetStreamOutput): boolean {
    if (!STREAM_COMMANDS.has(message.name)) return false;
    const { name, transactionId, streamId } = message;
    switch (name) {
      case 'createStream': {
        // D8: a bounded number of NetStreams per connection.
        if (this.#streams.size >= (this.options.maxStreams ?? 16)) {
          out.send(callFailed(transactionId, 'too many streams'));
          break;
        }
        const id = this.#nextStreamId++;
        this.#streams.set(id, { role: 'none', name: '' });
        out.send(command(buildCreateStreamResult(transactionId, id)));
        break;
      }
      case 'releaseStream':
        out.send(command(buildResult(transactionId, null, undefined)));
        break;
      case 'FCPublish':
        out.send(command(buildOnFCPublish(StatusCode.PublishStart, tryName(message) ?? '')));
        break;
      case 'FCUnpublish': {
        const streamName = tryName(message);
        out.send(command(buildOnFCUnpublish(StatusCode.UnpublishSuccess, streamName ?? '')));
        for (const [id, stream] of this.#streams) {
          if (stream.role === 'publish' && stream.name === streamName?.split('?')[0]) this.#close(id, out);
        }
        break;
      }
      case 'getStreamLength': {
        // In seconds, as FMS answers: a recorded file's duration, 0 for live (or unknown).
        const stream = typeof message.args[0] === 'string' ? message.args[0] : message.args[1];
        const length = typeof stream === 'string' ? (this.options.streamLength?.(stream) ?? 0) : 0;
        out.send(command(buildResult(transactionId, null, length / 1000)));
        break;
      }
      case 'deleteStream': {
        const id = message.args[0];
        // D9: unknown ids, twice, before publish: a no-op.
        if (typeof id === 'number' && this.#streams.has(id)) {
          this.#close(id, out);
          this.#streams.delete(id);
        }
        break;
      }
      case 'closeStream':
        if (this.#streams.has(streamId)) this.#close(streamId, out);
        break;
      case 'seek':
        if (this.#streams.get(streamId)?.role === 'play') this.#seek(message, out);
        break;
      case 'publish':
      case 'play':
      case 'play2':
        this.#request(message, out);
        break;
      default:
        if (this.#streams.get(streamId)?.role === 'play') this.#control(message, out);
    }
    return true;
  }

  /** What an accepted request sends: Publish.Start, or the play's start (nothing yet if queued). */
  accepted(request: StreamRequest): Outgoing[] {
    if (request.kind === 'play' && request.queued) return []; // it says Play.Start when it starts (playNext)
    this.#streams.set(request.streamId, { role: request.kind, name: request.name });
    if (request.kind === 'play') return playStarted(request.streamId, request.name);
    return [
      userControl({ kind: 'stream-begin', streamId: request.streamId }),
      status(request.streamId, StatusCode.PublishStart, `${request.name} is now published`),
    ];
  }

  /** The next item of a playlist starts on `streamId`: Play.Switch, then Play.Start. */
  playNext(streamId: number, name: string): Outgoing[] {
    if (this.#streams.get(streamId)?.role !== 'play') return [];
    this.#streams.set(streamId, { role: 'play', name });
    return playSwitched(streamId, name);
  }

  #request(message: CommandMessage, out: NetStreamOutput): void {
    const { streamId } = message;
    const stream = this.#streams.get(streamId);
    const publish = message.name === 'publish';
    const failure = publish ? StatusCode.PublishBadName : StatusCode.PlayFailed;
    const playing = !publish && stream?.role === 'play';
    // D4: on a stream that was never created, or already in use (a play may follow a play).
    if (stream === undefined || (stream.role !== 'none' && !playing)) {
      const why = stream === undefined ? 'no such stream: call createStream first' : 'the stream is in use';
      out.send(status(streamId, failure, why, 'error'));
      return;
    }
    const maxName = this.options.maxNameLength ?? DEFAULT_MAX_NAME_LENGTH;
    try {
      if (publish) {
        const { name: raw, type } = parsePublish(message, maxName);
        const { name, query } = splitName(raw);
        out.request({ kind: 'publish', streamId, name }, (requestId) => ({
          type: 'publish-request',
          requestId,
          streamId,
          name,
          query,
          publishType: type,
        }));
        return;
      }
      const play = message.name === 'play' ? parsePlay(message, maxName) : parsePlay2(message, maxName);
      const { name, query } = splitName(play.name);
      // On a stream that plays: play2 and play with reset switch to the new name, the old play
      // ends here; play with reset false goes after it.
      const queued = playing && !play.reset;
      if (playing && !queued) this.#close(streamId, out);
      out.request({ kind: 'play', streamId, name, queued }, (requestId) => ({
        type: 'play-request',
        requestId,
        streamId,
        name,
        query,
        start: play.start,
        duration: play.duration,
        queued,
      }));
    } catch (error) {
      if (!MessageError.isInstance(error)) throw error;
      // D5, D6: a missing, empty, non-string or too long name.
      out.send(status(streamId, failure, error.message, 'error'));
    }
  }

  #seek(message: CommandMessage, out: NetStreamOutput): void {
    const { streamId } = message;
    let milliseconds: number;
    try {
      milliseconds = parseSeek(message);
    } catch {
      out.send(status(streamId, StatusCode.SeekFailed, 'seek needs a position ≥ 0 in ms', 'error'));
      return;
    }
    out.send(status(streamId, StatusCode.SeekNotify, `Seeking ${milliseconds} (stream ID: ${streamId}).`));
    out.event({ type: 'player-control', streamId, control: 'seek', enabled: true, milliseconds });
  }

  /** pause, pauseRaw (nginx-rtmp's pauseraw), receiveAudio, receiveVideo. */
  #control(message: CommandMessage, out: NetStreamOutput): void {
    const { name, streamId } = message;
    const pause = name.startsWith('pause');
    const enabled = pause ? message.args[0] === false : message.args[0] !== false;
    const control = pause ? 'pause' : name === 'receiveAudio' ? 'receive-audio' : 'receive-video';
    out.event({ type: 'player-control', streamId, control, enabled });
    if (pause)
      out.send(
        status(
          streamId,
          enabled ? StatusCode.UnpauseNotify : StatusCode.PauseNotify,
          enabled ? 'Resumed' : 'Paused',
        ),
      );
  }

  #close(streamId: number, out: NetStreamOutput): void {
    const stream = this.#streams.get(streamId);
    if (stream === undefined || stream.role === 'none') return;
    if (stream.role === 'publish')
      out.send(status(streamId, StatusCode.UnpublishSuccess, `${stream.name} is now unpublished`));
    out.event({ type: 'stream-closed', streamId, role: stream.role });
    this.#streams.set(streamId, { role: 'none', name: '' });
  }
}

function tryName(message: CommandMessage): string | undefined {
  try {
    return parseStreamNameArgument(message);
  } catch {
    return undefined;
  }
}

/**
 * Data a publisher sent in the "AMF3" form (type 15), as AMF0 when its values allow: players that
 * read only AMF0 (FFmpeg, nginx-rtmp, VLC) then get the metadata. Values AMF0 cannot carry (byte
 * arrays, vectors, dictionaries) keep the AMF3 form.
 */
function inAmf0(message: DataMessage): DataMessage {
  if (message.form === 'amf0') return message;
  const amf0 = { ...message, form: 'amf0' as const };
  try {
    encodeMessage(amf0);
    return amf0;
  } catch (error) {
    if (Amf0EncodeError.isInstance(error)) return message;
    throw error;
  }
}

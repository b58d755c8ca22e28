import {
  type AudioPacketKind,
  MessageError,
  parseAudioHeader,
  parseVideoHeader,
  type VideoPacketKind,
} from '@rtmp/messages';
import type { PlayerEvent } from './connection';

/** One track's frame from a played stream, its header parsed (legacy FLV or Enhanced RTMP). */
export interface TrackFrame {
  readonly kind: 'video' | 'audio';
  /** The message timestamp, in ms. */
  readonly timestamp: number;
  /** Nanoseconds to add to `timestamp` (a TimestampOffsetNano ModEx), else 0. */
  readonly timestampOffsetNanoseconds: number;
  /** 0 for the default track. */
  readonly trackId: number;
  /** `avc1`, `hvc1`, `av01`, `mp4a`, `Opus`, ...; undefined for legacy codecs without one. */
  readonly fourCc: string | undefined;
  /** `sequence-start` (configuration), `coded-frames`, `sequence-end`, `metadata`, `multichannel-config`, ... */
  readonly packetType: VideoPacketKind | AudioPacketKind;
  /** Video: 1 keyframe, 2 inter, 3 disposable, 5 command; undefined for audio. */
  readonly frameType: number | undefined;
  /** PTS - DTS in ms (AVC, HEVC, VVC), else 0. */
  readonly compositionTime: number;
  /** The codec bytes (a view of the message). */
  readonly data: Uint8Array;
}

/**
 * The audio and video of a played stream as frames per track: a multitrack message gives one frame
 * per track it carries. Data and status events are passed over; so is a media message whose header
 * does not parse (`onBadFrame` hears of it), so that one bad frame does not end playback.
 * @example
 * ```ts
 * for await (const frame of trackFrames(await connection.play('cam'))) {
 *   if (frame.kind === 'video' && frame.trackId === 1) decoder.decode(frame.data);
 * }
 * ```
 */
export async function* trackFrames(
  events: AsyncIterable<PlayerEvent>,
  onBadFrame?: (error: MessageError, event: PlayerEvent) => void,
): AsyncGenerator<TrackFrame> {
  for await (const event of events) {
    if (event.type !== 'video' && event.type !== 'audio') continue;
    try {
      const header =
        event.type === 'video' ? parseVideoHeader(event.payload) : parseAudioHeader(event.payload);
      const frameType = 'frameType' in header ? header.frameType : undefined;
      for (const track of header.tracks) {
        // Audio tracks have no composition time; video tracks bring their own.
        yield {
          kind: event.type,
          timestamp: event.timestamp,
          timestampOffsetNanoseconds: header.timestampOffsetNanoseconds,
          frameType,
          compositionTime: 0,
          ...track,
        };
      }
    } catch (error) {
      if (!MessageError.isInstance(error)) throw error;
      onBadFrame?.(error, event);
    }
  }
}

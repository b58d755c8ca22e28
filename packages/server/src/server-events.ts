import type { ConnectRequest, DataMessage, MediaMessage, PublishType } from '@rtmp/messages';
import type { RtmpServerError } from './errors';

/** What the session asks the application to decide, or tells it. */
export type ServerEvent =
  /** A `connect`: call {@link ServerSession.accept} or {@link ServerSession.reject} with the request id. */
  | { readonly type: 'connect-request'; readonly requestId: number; readonly request: ConnectRequest }
  /** A `publish` on a created stream: accept or reject it. */
  | {
      readonly type: 'publish-request';
      readonly requestId: number;
      readonly streamId: number;
      /** The stream name without the query string. */
      readonly name: string;
      /** The query string after `?`, stream keys and tokens included (never log it). */
      readonly query: string;
      readonly publishType: PublishType;
    }
  /** A `play` (or `play2`): accept or reject it. */
  | {
      readonly type: 'play-request';
      readonly requestId: number;
      readonly streamId: number;
      readonly name: string;
      readonly query: string;
      /** Where to start, in ms: ≥ 0 a recorded stream from there; -1 live only; -2 live, else recorded from 0. */
      readonly start: number;
      /** How much to play, in ms; negative: all. */
      readonly duration: number;
      /**
       * A `play` with `reset: false` on a stream that already plays: it plays after what plays now
       * (a playlist; start it with {@link ServerSession.playNext}). Otherwise what played has ended
       * (`stream-closed`) and this replaces it (`play` with reset, `play2`'s switch).
       */
      readonly queued: boolean;
    }
  /** Audio, video or data from an accepted publisher (`@setDataFrame` stripped). */
  | { readonly type: 'media'; readonly streamId: number; readonly message: MediaMessage | DataMessage }
  /** A publish or play ended (FCUnpublish, closeStream, deleteStream). */
  | { readonly type: 'stream-closed'; readonly streamId: number; readonly role: 'publish' | 'play' }
  /**
   * A player paused or resumed (`enabled`: playing), turned audio or video off or on, or sought
   * (`milliseconds`; the session has answered `NetStream.Seek.Notify`).
   */
  | {
      readonly type: 'player-control';
      readonly streamId: number;
      readonly control: 'pause' | 'receive-audio' | 'receive-video' | 'seek';
      readonly enabled: boolean;
      readonly milliseconds?: number;
    }
  /** The client broke the protocol or sent an unusable connect: close the connection. */
  | { readonly type: 'protocol-error'; readonly error: RtmpServerError };

/** What every call returns: bytes to write, in order, and events. */
export interface ServerOutput {
  readonly send: Uint8Array[];
  readonly events: ServerEvent[];
}

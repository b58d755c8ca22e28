import type { MessageBase } from './message-base';

/**
 * Audio (type 8) or video (type 9): the payload is an FLV AUDIODATA/VIDEODATA body, kept as is.
 * Read its header with `parseAudioHeader`/`parseVideoHeader` when needed.
 */
export interface MediaMessage extends MessageBase {
  readonly type: 'audio' | 'video';
  readonly payload: Uint8Array;
}

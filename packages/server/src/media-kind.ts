import type { RawMessage } from '@rtmp/chunk';
import { isAudioSequenceHeader, isVideoSequenceHeader, VideoFrameType, videoFrameType } from '@rtmp/messages';

/**
 * What a published message is to fan-out and to late joiners: set-up a decoder cannot do without
 * (metadata, sequence headers, legacy or Enhanced RTMP), a video frame by what depends on it, or
 * audio.
 */
export type MediaKind =
  | 'metadata'
  | 'video-config'
  | 'audio-config'
  | 'keyframe'
  | 'inter'
  | 'disposable'
  | 'audio';

/** Works out a published message's {@link MediaKind} from its type and tag header, once. */
export function mediaKind(message: RawMessage): MediaKind {
  const { typeId, payload } = message;
  if (typeId === 18) return 'metadata';
  if (typeId === 8) return isAudioSequenceHeader(payload) ? 'audio-config' : 'audio';
  if (isVideoSequenceHeader(payload)) return 'video-config';
  const frameType = videoFrameType(payload);
  if (frameType === VideoFrameType.Keyframe) return 'keyframe';
  return frameType === VideoFrameType.Disposable ? 'disposable' : 'inter';
}

/** Whether players need this kind whatever their queue: small, and nothing decodes without it. */
export function isDecoderSetup(kind: MediaKind): boolean {
  return kind === 'metadata' || kind === 'video-config' || kind === 'audio-config';
}

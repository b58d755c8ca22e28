import { FlvTagType, type ReadFlvTag } from './flv-tag';

/** Where a keyframe is: for seeking, and for looping a file cleanly from its first keyframe. */
export interface KeyframeEntry {
  readonly timestamp: number;
  /** File offset of the keyframe's tag. */
  readonly offset: number;
}

/**
 * Whether a video tag body is a keyframe (FrameType 1, legacy or Enhanced RTMP header) carrying
 * a frame, not codec configuration.
 */
export function isKeyframeBody(body: Uint8Array): boolean {
  const first = body[0];
  if (first === undefined) return false;
  if (first & 0x80) return ((first >> 4) & 0x07) === 1 && (first & 0x0f) !== 0; // enhanced: not SequenceStart
  if (first >> 4 !== 1) return false;
  const codecId = first & 0x0f;
  // Legacy AVC/HEVC: only AVCPacketType 1 carries a frame (0 is configuration, 2 end of sequence).
  return codecId === 7 || codecId === 12 ? body[1] === 1 : true;
}

/** The keyframes among `tags`, in order. */
export function keyframeIndex(tags: Iterable<ReadFlvTag>): KeyframeEntry[] {
  const index: KeyframeEntry[] = [];
  for (const tag of tags) {
    if (tag.type === FlvTagType.Video && isKeyframeBody(tag.body))
      index.push({ timestamp: tag.timestamp, offset: tag.offset });
  }
  return index;
}

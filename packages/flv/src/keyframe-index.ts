import { FlvTagType, type ReadFlvTag } from './flv-tag';

/** Where a keyframe is: for seeking, and for looping a file cleanly from its first keyframe. */
export interface KeyframeEntry {
  readonly timestamp: number;
  /** File offset of the keyframe's tag. */
  readonly offset: number;
}

/**
 * Whether a video tag body is a keyframe (FrameType 1, legacy or Enhanced RTMP header) carrying
 * a frame of the default track, not codec configuration, a sequence end, video metadata or a
 * command. An Enhanced RTMP multitrack body counts only when it carries track 0 (a keyframe of
 * another track does not start a GOP); ModEx prefixes are looked through.
 */
export function isKeyframeBody(body: Uint8Array): boolean {
  const first = body[0];
  if (first === undefined) return false;
  if (first & 0x80) return ((first >> 4) & 0x07) === 1 && enhancedFrameOfTrack0(body, first & 0x0f);
  if (first >> 4 !== 1) return false;
  const codecId = first & 0x0f;
  // Legacy AVC/HEVC: only AVCPacketType 1 carries a frame (0 is configuration, 2 end of sequence).
  return codecId === 7 || codecId === 12 ? body[1] === 1 : true;
}

const CODED_FRAMES = 1;
const CODED_FRAMES_X = 3;
const MULTITRACK = 6;
const MOD_EX = 7;

/** Whether an Enhanced RTMP video body carries coded frames of track 0; false when it is cut short. */
function enhancedFrameOfTrack0(body: Uint8Array, firstPacketType: number): boolean {
  let at = 1;
  let packetType = firstPacketType;
  while (packetType === MOD_EX) {
    // u8 (size - 1), or 0xFF then u16 (size - 1); the data; then ModEx type << 4 | next packet type.
    let size = (body[at++] ?? 0) + 1;
    if (size === 256) size = (((body[at] ?? 0) << 8) | (body[at + 1] ?? 0)) + 1 + 2;
    at += size;
    if (at >= body.length) return false;
    packetType = body[at++]! & 0x0f;
  }
  const isFrame = (type: number) => type === CODED_FRAMES || type === CODED_FRAMES_X;
  if (packetType !== MULTITRACK) return isFrame(packetType);
  const layout = body[at++];
  if (layout === undefined || !isFrame(layout & 0x0f)) return false;
  const multitrack = layout >> 4; // 0 one track, 1 many tracks (one FourCC), 2 many tracks and codecs
  if (multitrack !== 2) at += 4;
  while (at < body.length) {
    if (multitrack === 2) at += 4;
    const trackId = body[at];
    if (trackId === undefined) return false;
    if (trackId === 0) return true;
    if (multitrack === 0) return false;
    const size = ((body[at + 1] ?? 0) << 16) | ((body[at + 2] ?? 0) << 8) | (body[at + 3] ?? 0);
    at += 4 + size;
  }
  return false;
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

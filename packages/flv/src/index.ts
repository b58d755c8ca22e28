/**
 * FLV files (FLV 10.1 Annex E, Enhanced RTMP v2 tag types): a sans-IO streaming reader and writer,
 * onMetaData, a keyframe index, and Node helpers for files and streams. Tag bodies are exactly what
 * RTMP audio, video and data messages carry.
 *
 * ```
 * "FLV" 01 flags | u32 9 | u32 0 | tag | u32 size | tag | u32 size | ...
 * tag = u8 type | u24 size | u24 timestamp | u8 timestamp high | u24 stream id (0) | body
 * ```
 * @packageDocumentation
 */

export { FlvError, type FlvErrorCode, type FlvWarning } from './errors';
export { FlvReader, type FlvReaderOptions, type FlvReadItem } from './flv-reader';
export {
  DEFAULT_MAX_TAG_SIZE,
  FLV_HEADER_SIZE,
  FLV_TAG_HEADER_SIZE,
  type FlvHeader,
  type FlvTag,
  FlvTagType,
  type ReadFlvTag,
} from './flv-tag';
export { encodeFlvHeader, encodeFlvTag, messageToFlvTag } from './flv-writer';
export { isKeyframeBody, type KeyframeEntry, keyframeIndex } from './keyframe-index';
export { metadataTag, readMetadata } from './metadata';
export { createFlvWriter, type FlvFileItem, FlvStreamWriter, readFlv } from './node/flv-file';

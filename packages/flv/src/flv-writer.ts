import { FLV_HEADER_SIZE, FLV_TAG_HEADER_SIZE, type FlvHeader, type FlvTag, FlvTagType } from './flv-tag';

/** "@setDataFrame" as an AMF0 string: what publishers put before onMetaData, and files do not keep. */
const SET_DATA_FRAME = Uint8Array.of(
  0x02,
  0x00,
  0x0d,
  ...Array.from('@setDataFrame', (c) => c.charCodeAt(0)),
);

/** The 13 bytes that start an FLV file: signature, version 1, flags, data offset, PreviousTagSize0. */
export function encodeFlvHeader(header: Pick<FlvHeader, 'hasAudio' | 'hasVideo'>): Uint8Array {
  const bytes = new Uint8Array(FLV_HEADER_SIZE);
  bytes.set([
    0x46,
    0x4c,
    0x56,
    0x01,
    (header.hasAudio ? 0x04 : 0) | (header.hasVideo ? 0x01 : 0),
    0,
    0,
    0,
    9,
  ]);
  return bytes;
}

/**
 * One tag as pieces to write: the 11-byte header, the body (not copied), the PreviousTagSize.
 * Timestamps are written as FLV's SI32: 24 low bits then the high byte.
 */
export function encodeFlvTag(tag: FlvTag): Uint8Array[] {
  const size = tag.body.length;
  const head = new Uint8Array(FLV_TAG_HEADER_SIZE);
  const timestamp = tag.timestamp >>> 0;
  head.set([
    tag.type,
    size >>> 16,
    (size >>> 8) & 0xff,
    size & 0xff,
    (timestamp >>> 16) & 0xff,
    (timestamp >>> 8) & 0xff,
    timestamp & 0xff,
    timestamp >>> 24,
  ]);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, FLV_TAG_HEADER_SIZE + size);
  return [head, tag.body, tail];
}

/**
 * The tag for an RTMP message (RTMP ↔ FLV mapping, rtmp-notes §8.6): audio (8), video (9) and data
 * (18) messages become tags, with a leading `@setDataFrame` stripped from data; other types are
 * not part of a file and give `undefined`.
 */
export function messageToFlvTag(message: {
  typeId: number;
  timestamp: number;
  payload: Uint8Array;
}): FlvTag | undefined {
  const { typeId, timestamp, payload } = message;
  if (typeId === FlvTagType.Audio || typeId === FlvTagType.Video)
    return { type: typeId, timestamp, body: payload };
  if (typeId !== FlvTagType.ScriptData) return undefined;
  const prefixed =
    payload.length > SET_DATA_FRAME.length && SET_DATA_FRAME.every((byte, i) => payload[i] === byte);
  return {
    type: FlvTagType.ScriptData,
    timestamp,
    body: prefixed ? payload.subarray(SET_DATA_FRAME.length) : payload,
  };
}

// jsfuzz target: the first byte is a message type id, the rest its payload. Only the documented
// typed errors may come out: MessageError, or ChunkError for a malformed protocol control message.
// Audio and video payloads also go through mediaInfo (legacy and Enhanced RTMP headers, multitrack).
const { ChunkError } = require('@rtmp/chunk');
const { decodeMessage, MessageError, mediaInfo } = require('../dist/index.cjs');

exports.fuzz = (bytes) => {
  if (bytes.length === 0) return;
  try {
    const raw = { typeId: bytes[0], streamId: 1, timestamp: 0, payload: bytes.subarray(1) };
    decodeMessage(raw);
    if (raw.typeId === 8 || raw.typeId === 9) mediaInfo(raw);
  } catch (error) {
    if (!MessageError.isInstance(error) && !ChunkError.isInstance(error)) throw error;
  }
};

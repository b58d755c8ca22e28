// jsfuzz target: the first byte is a message type id, the rest its payload. Only the documented
// typed errors may come out: MessageError, or ChunkError for a malformed protocol control message.
const { ChunkError } = require('@rtmp/chunk');
const { decodeMessage, MessageError } = require('../dist/index.cjs');

exports.fuzz = (bytes) => {
  if (bytes.length === 0) return;
  try {
    decodeMessage({ typeId: bytes[0], streamId: 1, timestamp: 0, payload: bytes.subarray(1) });
  } catch (error) {
    if (!MessageError.isInstance(error) && !ChunkError.isInstance(error)) throw error;
  }
};

// jsfuzz target: any bytes into the chunk decoder, in two reads. Only ChunkError may come out.
const { ChunkDecoder, ChunkError } = require('../dist/index.cjs');

exports.fuzz = (bytes) => {
  const decoder = new ChunkDecoder({ maxMessageLength: 1 << 20 });
  const cut = bytes.length >> 1;
  try {
    decoder.decode(bytes.subarray(0, cut));
    decoder.decode(bytes.subarray(cut));
  } catch (error) {
    if (!ChunkError.isInstance(error)) throw error;
  }
};

// jsfuzz target: any bytes into the AMF0 decoder, plain and lossless. Only Amf0Error may come out.
const { Amf0Error, decodeAll, decodeAllNodes } = require('../dist/index.cjs');

exports.fuzz = (bytes) => {
  for (const decode of [decodeAll, decodeAllNodes]) {
    try {
      decode(bytes);
    } catch (error) {
      if (!(error instanceof Amf0Error)) throw error;
    }
  }
};

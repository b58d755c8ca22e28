// jsfuzz target: any bytes into the AMF3 decoder, plain and lossless; what decodes must re-encode.
// Only Amf3Error may come out.
const { Amf3Error, decode, decodeNode, encodeNode } = require('../dist/index.cjs');

exports.fuzz = (bytes) => {
  try {
    decode(bytes);
    encodeNode(decodeNode(bytes));
  } catch (error) {
    if (!(error instanceof Amf3Error)) throw error;
  }
};

// jsfuzz target: any bytes as an FLV file, read to the end. Only FlvError may come out.
const { FlvError, FlvReader } = require('../dist/index.cjs');

exports.fuzz = (bytes) => {
  const reader = new FlvReader();
  try {
    reader.push(bytes);
    for (let i = 0; i < 100_000 && reader.next() !== undefined; i++);
    reader.end();
  } catch (error) {
    if (!FlvError.isInstance(error)) throw error;
  }
};

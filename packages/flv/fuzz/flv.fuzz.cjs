// jsfuzz target: any bytes as an FLV file, read to the end. Only FlvError may come out; the
// keyframe test of each video tag (Enhanced RTMP multitrack and ModEx included) never throws.
const { FlvError, FlvReader, isKeyframeBody } = require('../dist/index.cjs');

exports.fuzz = (bytes) => {
  const reader = new FlvReader();
  try {
    reader.push(bytes);
    for (let i = 0; i < 100_000; i++) {
      const item = reader.next();
      if (item === undefined) break;
      if (item.kind === 'tag' && item.tag.type === 9) isKeyframeBody(item.tag.body);
    }
    reader.end();
  } catch (error) {
    if (!FlvError.isInstance(error)) throw error;
  }
};

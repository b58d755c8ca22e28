import { ChunkDecoder, ChunkEncoder } from '@rtmp/chunk';

// Sender: announce a 4096-byte chunk size, then send a 10 KB video message on chunk stream 6.
const encoder = new ChunkEncoder();
const pieces = [
  ...encoder.setChunkSize(4096),
  ...encoder.encode({ typeId: 9, streamId: 1, timestamp: 40, payload: new Uint8Array(10_000).fill(7) }, 6),
];
// Header slices plus views of the payload: write them together (socket.cork/uncork or writev).
const wire = Buffer.concat(pieces);
console.log(pieces.length, wire.length); // 8 10030

// Receiver: feed bytes split anywhere; the decoder applies Set Chunk Size itself.
const decoder = new ChunkDecoder();
decoder.push(wire.subarray(0, 5000));
console.log(decoder.next()?.typeId, decoder.next()); // 1 undefined (the video needs more bytes)
decoder.push(wire.subarray(5000));
const video = decoder.next();
console.log(video?.typeId, video?.timestamp, video?.payload.length, decoder.chunkSize); // 9 40 10000 4096

import { connect, trackFrames } from '@rtmp/client';
import { RtmpServer } from '@rtmp/server';

// Enhanced RTMP multitrack through RtmpServer: track 0 H.264 and track 1 HEVC, the way OBS's
// Enhanced Broadcasting and FFmpeg 8 send them, and a player that joins after the keyframes.
const server = new RtmpServer({ port: 0 });
const { url } = await server.listen();

const encoder = await connect(`${url}/live`, { enhancedRtmp: true });
const publisher = await encoder.publish('cam');
const avcC = Uint8Array.of(1, 0x64, 0, 0x1f, 0xff); // (shortened configuration records)
const hvcC = Uint8Array.of(1, 1, 0x60, 0, 0, 0);
await publisher.writeVideoFrame(0, {
  frameType: 1,
  packetType: 'sequence-start',
  tracks: [{ fourCc: 'avc1', data: avcC }],
});
await publisher.writeVideoFrame(0, {
  frameType: 1,
  packetType: 'sequence-start',
  tracks: [{ trackId: 1, fourCc: 'hvc1', data: hvcC }],
});
await publisher.writeVideoFrame(0, {
  frameType: 1,
  packetType: 'coded-frames',
  tracks: [{ fourCc: 'avc1', data: Uint8Array.of(0, 0, 0, 1, 0x65) }],
});
await publisher.writeVideoFrame(0, {
  frameType: 1,
  packetType: 'coded-frames',
  tracks: [{ trackId: 1, fourCc: 'hvc1', data: Uint8Array.of(0, 0, 0, 1, 0x26) }],
});
// What the server answered the enhanced connect with.
console.log('server capsEx:', (encoder.serverProperties as { capsEx?: number }).capsEx);
while ((server.stats()[0]?.messages ?? 0) < 4) await new Promise((resolve) => setImmediate(resolve));

// A late joiner gets both tracks' configuration and keyframes from the join cache.
const viewer = await connect(`${url}/live`, { player: true });
let frames = 0;
for await (const frame of trackFrames(await viewer.play('cam'))) {
  console.log(
    frame.kind,
    'track',
    frame.trackId,
    frame.fourCc,
    frame.packetType,
    frame.frameType === 1 ? 'key' : '',
  );
  if (++frames === 4) break;
}
console.log(server.stats()[0]?.tracks);
await Promise.all([encoder.close(), viewer.close()]);
await server.close();

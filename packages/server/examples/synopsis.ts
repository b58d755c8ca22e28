import { connect } from '@rtmp/client';
import { RtmpServer } from '@rtmp/server';

// A server on a free loopback port that wants ?key=secret from publishers.
const server = new RtmpServer({
  port: 0,
  onPublish: (info) => info.query === 'key=secret' || { allow: false, description: 'bad key' },
});
const { url } = await server.listen();

// A player first (it waits for the publisher), then a publisher with one H.264 keyframe.
const viewer = await connect(`${url}/live`, { player: true });
const player = await viewer.play('cam');
const encoder = await connect(`${url}/live`);
const publisher = await encoder.publish('cam?key=secret');
await publisher.writeVideo(0, Uint8Array.of(0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65));

for await (const event of player) {
  if (event.type !== 'video') continue;
  console.log('played', event.payload.length, 'bytes at', event.timestamp, 'ms');
  const [stream] = server.stats();
  console.log(stream?.key, 'publishing:', stream?.publishing, 'players:', stream?.players);
  break;
}
await Promise.all([encoder.close(), viewer.close()]);
await server.close();

import { connect } from '@rtmp/client';
import { RedisStreamRegistry } from '@rtmp/registry-redis';
import { RtmpServer } from '@rtmp/server';

// Two nodes sharing one Redis: a stream published on A is played from B, which pulls it from A.
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const node = async (nodeId: string) => {
  const registry = new RedisStreamRegistry(redisUrl);
  await registry.ready();
  // advertise: where the other nodes reach this one (default: the address it listens on).
  const server = new RtmpServer({ host: '127.0.0.1', port: 0, registry: { registry, nodeId } });
  const { url } = await server.listen();
  return { url, server, registry };
};
const a = await node('a');
const b = await node('b');

const encoder = await connect(`${a.url}/live`);
const publisher = await encoder.publish('cam');
await publisher.writeVideo(0, Uint8Array.of(0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f)); // (a short avcC)
await publisher.writeVideo(0, Uint8Array.of(0x17, 1, 0, 0, 0, 0, 0, 0, 2, 0x65, 0x88));

const viewer = await connect(`${b.url}/live`);
for await (const event of await viewer.play('cam')) {
  // The configuration comes first, then the keyframe.
  if (event.type === 'video' && event.payload[1] === 1) {
    console.log(
      'published on node',
      b.server.stats()[0]?.node,
      '- keyframe of',
      event.payload.length,
      'bytes',
    );
    break;
  }
}

await viewer.close();
await encoder.close();
for (const { server, registry } of [a, b]) {
  await server.close();
  await registry.close();
}

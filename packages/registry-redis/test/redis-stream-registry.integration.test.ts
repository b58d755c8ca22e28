// The Redis registry against a real redis-server: claims, refreshes, expiry, withdrawals, malformed
// values, Redis going away and coming back, and two RtmpServers sharing it.
import { connect } from '@rtmp/client';
import { RedisStreamRegistry } from '@rtmp/registry-redis';
import { RtmpServer } from '@rtmp/server';
import { deferCleanups, peerAvailable, type RedisServer, startRedis, waitFor } from '@rtmp/test-helpers';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const defer = deferCleanups(afterEach);
const available = peerAvailable('redis-server');

let redis: RedisServer;
beforeAll(async () => {
  if (!available) return;
  redis = await startRedis();
  return () => redis.stop();
});

/** A registry on the test's Redis, connected, closed after the test. */
async function registry(prefix = 'test:') {
  const created = new RedisStreamRegistry(redis.url, { prefix });
  defer(() => created.close());
  await created.ready();
  return created;
}

const entry = (nodeId: string, key = 'live/cam') => ({ key, url: `rtmp://${nodeId}.example/${key}`, nodeId });

describe.skipIf(!available)('RedisStreamRegistry', () => {
  it('one node holds a name; it refreshes it; another may not take it; only the holder withdraws it', async () => {
    const [a, b] = [await registry('t1:'), await registry('t1:')];
    expect(await a.announce(entry('a'), 5000)).toBe(true);
    expect(await b.announce(entry('b'), 5000)).toBe(false);
    expect(await a.announce(entry('a'), 5000)).toBe(true); // a refresh
    expect(await b.lookup('live/cam')).toEqual(entry('a'));
    await b.withdraw('live/cam', 'b');
    expect(await b.lookup('live/cam')).toEqual(entry('a'));
    await a.withdraw('live/cam', 'a');
    expect(await b.lookup('live/cam')).toBeUndefined();
    expect(await b.announce(entry('b'), 5000)).toBe(true);
  });

  it('two nodes claiming at once: exactly one wins', async () => {
    const nodes = await Promise.all(Array.from({ length: 8 }, () => registry('t2:')));
    const won = await Promise.all(nodes.map((node, i) => node.announce(entry(`n${i}`), 5000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('an entry not refreshed expires after its TTL', async () => {
    const a = await registry('t3:');
    await a.announce(entry('a'), 150);
    expect(await a.lookup('live/cam')).toEqual(entry('a'));
    await waitFor(async () => (await a.lookup('live/cam')) === undefined, 3000);
  });

  it('a malformed value counts as no entry and the next claim replaces it', async () => {
    const raw = new Redis(redis.url);
    defer(() => raw.quit());
    await raw.set('t4:live/cam', 'not json');
    await raw.set('t4:live/odd', JSON.stringify({ key: 'live/odd', url: 7 }));
    const a = await registry('t4:');
    expect(await a.lookup('live/cam')).toBeUndefined();
    expect(await a.lookup('live/odd')).toBeUndefined();
    expect(await a.announce(entry('a'), 5000)).toBe(true);
    expect(await a.lookup('live/cam')).toEqual(entry('a'));
  });

  it('Redis down: calls fail at once (no queue); back up: they work again', async () => {
    const a = await registry('t5:');
    await redis.stop();
    try {
      const started = Date.now();
      await expect(a.lookup('live/cam')).rejects.toThrow();
      await expect(a.announce(entry('a'), 5000)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000); // failed, not queued until a timeout
    } finally {
      await redis.start();
    }
    await waitFor(async () => (await a.announce(entry('a'), 5000).catch(() => false)) === true, 10_000);
    expect(await a.lookup('live/cam')).toEqual(entry('a'));
  });

  it('two RtmpServers on one Redis: published on A, played from B; B refuses a second publisher', async () => {
    const nodes = await Promise.all(
      ['a', 'b'].map(async (nodeId) => {
        const server = new RtmpServer({
          host: '127.0.0.1',
          port: 0,
          registry: { registry: await registry('t6:'), nodeId },
        });
        defer(() => server.close());
        return { server, ...(await server.listen()) };
      }),
    );
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const encoder = await connect(`${a.url}/live`);
    defer(() => encoder.close());
    const publisher = await encoder.publish('cam');
    await publisher.writeVideo(0, Uint8Array.of(0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f));
    const frames = Array.from({ length: 5 }, (_, i) => Uint8Array.of(i === 0 ? 0x17 : 0x27, 1, 0, 0, 0, i));
    for (const [i, frame] of frames.entries()) await publisher.writeVideo(i * 40, frame);

    const viewer = await connect(`${b.url}/live`);
    defer(() => viewer.close());
    const got: number[][] = [];
    const player = await viewer.play('cam');
    const playing = (async () => {
      for await (const event of player)
        if (event.type === 'video' && event.payload[1] === 1) {
          got.push([...event.payload]);
          if (got.length === frames.length) return;
        }
    })();
    for (const [i, frame] of frames.entries()) await publisher.writeVideo(200 + i * 40, frame);
    await playing;
    // B's player starts at A's cached keyframe and gets each frame as A had it.
    expect(got).toEqual(frames.map((frame) => [...frame]));
    expect(b.server.stats()[0]).toMatchObject({ key: 'live/cam', node: 'a' });

    const second = await connect(`${b.url}/live`);
    defer(() => second.close());
    await expect(second.publish('cam')).rejects.toMatchObject({
      statusCode: 'NetStream.Publish.BadName',
      description: 'live/cam is already published on node a',
    });
  });
});

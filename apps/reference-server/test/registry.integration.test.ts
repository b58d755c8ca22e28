// Many machines: two reference servers (CLI processes) sharing a Redis stream registry. FFmpeg
// publishes to A; players on B get A's packets; A's publisher leaving, A killed, Redis going away.
import { connect } from '@rtmp/client';
import {
  deferCleanups,
  ffmpegPublishArgs,
  type ManagedProcess,
  peerAvailable,
  type RedisServer,
  sampleFlv,
  startProcess,
  startRedis,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listeningLine, startCliProcess } from './cli-process';
import { overlap, player } from './stream-players';

const defer = deferCleanups(afterEach);
const available = peerAvailable('redis-server') && peerAvailable('ffmpeg');
let redis: RedisServer;
beforeAll(async () => {
  if (!available) return;
  redis = await startRedis();
  return () => redis.stop();
});

/** A reference server joined to the test's Redis as `nodeId`, with statistics. */
async function node(nodeId: string, ttlMs = 1000) {
  const cli = startCliProcess([
    '--registry',
    redis.url,
    '--node-id',
    nodeId,
    '--registry-ttl-ms',
    String(ttlMs),
    '--stats-port',
    '0',
    '--log-format',
    'json',
    '--log-level',
    'info',
  ]);
  defer(() => cli.stop());
  const listening = await listeningLine(cli);
  type Stats = {
    registry: { nodeId: string; state: string };
    streams: { key: string; node?: string; players: number }[];
  };
  const stats = async () => (await (await fetch(`${listening.stats}/`)).json()) as Stats;
  return { cli, url: listening.url, stats };
}

/** FFmpeg publishing the sample at real time to `url/live/cam`, looped until stopped. */
async function ffmpegPublishing(url: string): Promise<ManagedProcess> {
  const flv = await sampleFlv({ seconds: 4 });
  const args = ffmpegPublishArgs(flv, `${url}/live/cam`);
  const ffmpeg = startProcess('ffmpeg', ['-stream_loop', '-1', ...args]);
  defer(() => ffmpeg.stop());
  return ffmpeg;
}

describe.skipIf(!available)('reference servers on one Redis (many machines)', () => {
  it('FFmpeg publishes to A; B’s players get A’s packets; B refuses the name; A’s publisher leaving ends them', async () => {
    const [a, b] = await Promise.all([node('a'), node('b')]);
    const ffmpeg = await ffmpegPublishing(a.url);
    await waitFor(async () => (await a.stats()).streams.some((stream) => stream.key === 'live/cam'), 15_000);
    const fromA = await player(`${a.url}/live`, 'cam', defer);
    const fromB = await player(`${b.url}/live`, 'cam', defer);
    await waitFor(() => fromB.packets.length >= 60 && fromA.packets.length >= 60, 15_000);
    // Identical packets where both players' windows overlap.
    const [fromAWindow, fromBWindow] = overlap([fromA.packets, fromB.packets]);
    expect(fromBWindow).toEqual(fromAWindow);
    expect(fromBWindow!.length).toBeGreaterThan(30);

    const stats = await b.stats();
    expect(stats.registry).toEqual({ nodeId: 'b', state: 'ok' });
    expect(stats.streams).toMatchObject([{ key: 'live/cam', node: 'a', players: 1 }]);

    const second = await connect(`${b.url}/live`);
    defer(() => second.close());
    await expect(second.publish('cam')).rejects.toMatchObject({
      statusCode: 'NetStream.Publish.BadName',
      description: 'live/cam is already published on node a',
    });

    await ffmpeg.stop();
    await waitFor(() => fromB.ended(), 10_000);
  });

  it('A killed with SIGKILL: its entry expires after the TTL and B’s players end', async () => {
    const [a, b] = await Promise.all([node('a', 1000), node('b', 1000)]);
    await ffmpegPublishing(a.url);
    await waitFor(async () => (await a.stats()).streams.some((stream) => stream.key === 'live/cam'), 15_000);
    const fromB = await player(`${b.url}/live`, 'cam', defer);
    await waitFor(() => fromB.packets.length >= 20, 15_000);
    a.cli.child.kill('SIGKILL');
    await waitFor(() => fromB.ended(), 10_000);
    // The entry is gone within the TTL: B may publish the name now.
    await waitFor(async () => {
      const connection = await connect(`${b.url}/live`);
      try {
        await connection.publish('cam');
        return true;
      } catch {
        return false;
      } finally {
        await connection.close();
      }
    }, 5000);
  });

  it('Redis down: each node serves its local streams and says so once; Redis back: the streams are announced again', async () => {
    const [a, b] = await Promise.all([node('a', 900), node('b', 900)]);
    await redis.stop();
    try {
      await ffmpegPublishing(a.url);
      const local = await player(`${a.url}/live`, 'cam', defer);
      await waitFor(() => local.packets.length >= 20, 15_000);
      await waitFor(async () => (await a.stats()).registry.state === 'unreachable', 5000);
      const warnings = a.cli
        .stderr()
        .split('\n')
        .filter((line) => line.includes('stream registry unreachable'));
      expect(warnings).toHaveLength(1);
    } finally {
      await redis.start();
    }
    await waitFor(async () => (await a.stats()).registry.state === 'ok', 10_000);
    const fromB = await player(`${b.url}/live`, 'cam', defer);
    await waitFor(() => fromB.packets.length >= 20, 15_000);
  });
});

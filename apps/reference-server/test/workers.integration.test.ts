// Every core: the CLI with --workers 2 (node:cluster). Streams published to one worker play from
// both; a worker that dies ends its streams' players, is restarted, and publishers come back.
import { get } from 'node:http';
import { connect, keepConnected } from '@rtmp/client';
import {
  deferCleanups,
  ffmpegPublishArgs,
  numberedFrame,
  peerAvailable,
  sampleFlv,
  startProcess,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningLine, startCliProcess } from './cli-process';
import { overlap, player } from './stream-players';

const defer = deferCleanups(afterEach);

interface WorkerStats {
  pid: number;
  registry: { nodeId: string; state: string };
  streams: { key: string; node?: string; players: number }[];
}

/** GETs JSON on a new connection each time (a kept-alive one would always reach the same worker). */
function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString()) as T));
    }).on('error', reject);
  });
}

/** The CLI with two workers and statistics; `byWorker()` polls the shared stats port until both answered. */
async function twoWorkers(...args: string[]) {
  const cli = startCliProcess(['--workers', '2', '--stats-port', '0', '--registry-ttl-ms', '1000', ...args]);
  defer(() => cli.stop());
  const listening = await listeningLine(cli);
  expect(listening).toMatchObject({ event: 'listening', workers: 2 });
  const byWorker = async () => {
    const seen = new Map<string, WorkerStats>();
    // The cluster hands each connection to the next worker: a few requests reach both.
    await waitFor(async () => {
      const stats = await getJson<WorkerStats>(`${listening.stats}/`);
      seen.set(stats.registry.nodeId, stats);
      return seen.size === 2;
    }, 10_000);
    return seen;
  };
  return { cli, url: listening.url, byWorker };
}

/** Where `key` is published, as the workers' statistics say. */
async function nodeOf(byWorker: () => Promise<Map<string, WorkerStats>>, key: string) {
  for (const stats of (await byWorker()).values()) {
    const stream = stats.streams.find((candidate) => candidate.key === key);
    if (stream?.node !== undefined) return stream.node;
  }
  return undefined;
}

/** Frame `index`: a keyframe every 10. */
const frame = (index: number) => numberedFrame(index, { keyframeEvery: 10 });

const available = peerAvailable('ffmpeg');

describe.skipIf(!available)('--workers 2', () => {
  it('FFmpeg publishes; 20 players spread over both workers all get identical packets; either worker may publish', async () => {
    const { url, byWorker } = await twoWorkers();
    const ffmpeg = startProcess('ffmpeg', [
      '-stream_loop',
      '-1',
      ...ffmpegPublishArgs(await sampleFlv({ seconds: 4 }), `${url}/live/cam`),
    ]);
    defer(() => ffmpeg.stop());
    await waitFor(async () => (await nodeOf(byWorker, 'live/cam')) !== undefined, 15_000);
    const players: Awaited<ReturnType<typeof player>>[] = [];
    for (let i = 0; i < 20; i++) players.push(await player(`${url}/live`, 'cam', defer));
    await waitFor(() => players.every((one) => one.packets.length >= 60), 20_000);
    const windows = overlap(players.map((one) => one.packets));
    for (const window of windows) expect(window).toEqual(windows[0]);
    expect(windows[0]!.length).toBeGreaterThan(30);

    // Spread: both workers have players of it; the one without the publisher pulls it once.
    const workers = await byWorker();
    const publisherNode = (await nodeOf(byWorker, 'live/cam'))!;
    const counts = [...workers.values()].map((stats) => ({
      node: stats.registry.nodeId,
      players: stats.streams.find((stream) => stream.key === 'live/cam')?.players ?? 0,
    }));
    const other = counts.find((count) => count.node !== publisherNode)!;
    const own = counts.find((count) => count.node === publisherNode)!;
    expect(other.players).toBeGreaterThan(0);
    expect(own.players + other.players).toBe(20 + 1); // the other worker's pull is a player too

    // The other way round: a publisher on the other worker, players on both.
    let second: Awaited<ReturnType<typeof connect>> | undefined;
    for (let attempt = 0; attempt < 6 && second === undefined; attempt++) {
      const connection = await connect(`${url}/live`);
      const publisher = await connection.publish(`cam2-${attempt}`);
      await publisher.writeVideo(0, frame(0));
      await waitFor(async () => (await nodeOf(byWorker, `live/cam2-${attempt}`)) !== undefined, 5000);
      if ((await nodeOf(byWorker, `live/cam2-${attempt}`)) !== publisherNode) {
        second = connection;
        defer(() => connection.close());
        const viewers = await Promise.all(
          Array.from({ length: 4 }, () => player(`${url}/live`, `cam2-${attempt}`, defer)),
        );
        for (let i = 1; i <= 30; i++) {
          await publisher.writeVideo(i * 40, frame(i));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await waitFor(() => viewers.every((viewer) => viewer.packets.length >= 10), 10_000);
      } else await connection.close();
    }
    expect(second).toBeDefined();
  });

  it('the worker with the publisher killed: players on the other end with StreamEOF, it is restarted, the publisher comes back to a waiting player', async () => {
    const { cli, url, byWorker } = await twoWorkers();
    let next = 0;
    const controller = new AbortController();
    const publishing = keepConnected(
      `${url}/live`,
      async (connection) => {
        const publisher = await connection.publish('cam');
        for (;;) {
          await publisher.writeVideo(next * 40, frame(next));
          next++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      { minDelayMs: 200, maxDelayMs: 500, retryOn: () => true, signal: controller.signal },
    );
    defer(() => {
      controller.abort();
      return publishing.catch(() => {});
    });
    await waitFor(async () => (await nodeOf(byWorker, 'live/cam')) !== undefined, 10_000);
    const publisherNode = (await nodeOf(byWorker, 'live/cam'))!;
    const players: Awaited<ReturnType<typeof player>>[] = [];
    for (let i = 0; i < 6; i++) players.push(await player(`${url}/live`, 'cam', defer));
    await waitFor(() => players.every((one) => one.packets.length >= 10), 10_000);

    const workers = await byWorker();
    const victim = workers.get(publisherNode)!;
    const survivor = [...workers.values()].find((stats) => stats !== victim)!;
    const onSurvivor = survivor.streams.find((stream) => stream.key === 'live/cam')!.players;
    expect(onSurvivor).toBeGreaterThan(0);
    process.kill(victim.pid, 'SIGKILL');
    // Every player's stream ends: StreamEOF on the survivor (its pull ended), a closed connection on the victim.
    await waitFor(() => players.every((one) => one.ended()), 10_000);
    expect(players.filter((one) => one.eof())).toHaveLength(onSurvivor);
    await waitFor(() => cli.stdout().includes('"event":"worker-exited"'), 5000);

    // A player that asks now waits (on either worker); the publisher comes back (on either) and
    // the waiting player gets frames published after the kill.
    const before = next;
    const late = await player(`${url}/live`, 'cam', defer);
    await waitFor(async () => {
      const node = await nodeOf(byWorker, 'live/cam');
      return node !== undefined && node !== publisherNode;
    }, 15_000);
    await waitFor(() => late.packets.length >= 5, 10_000);
    expect(next).toBeGreaterThan(before);
  });

  it('SIGTERM drains every worker (ReconnectRequest first, with --drain-ms) and stops them cleanly: players get StreamEOF, the primary exits 0 with one stopped line', async () => {
    const { cli, url, byWorker } = await twoWorkers('--drain-ms', '300');
    const connection = await connect(`${url}/live`);
    defer(() => connection.close());
    const publisher = await connection.publish('cam');
    for (let i = 0; i < 5; i++) await publisher.writeVideo(i * 40, frame(i));
    await waitFor(async () => (await nodeOf(byWorker, 'live/cam')) !== undefined, 10_000);
    const players: Awaited<ReturnType<typeof player>>[] = [];
    for (let i = 0; i < 4; i++) players.push(await player(`${url}/live`, 'cam', defer));
    // Clients on either worker are asked to reconnect before the close.
    const watchers = [await connect(`${url}/live`), await connect(`${url}/live`)];
    for (const watcher of watchers) defer(() => watcher.close());
    cli.child.kill('SIGTERM');
    const asked = await Promise.all(watchers.map((watcher) => watcher.reconnectRequested));
    expect(asked).toHaveLength(2);
    expect(players.some((one) => one.ended())).toBe(false); // asked first, closed later
    expect(await cli.exited).toBe(0);
    await waitFor(() => players.every((one) => one.ended()), 5000);
    expect(players.every((one) => one.eof())).toBe(true);
    const lines = cli.stdout().trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toEqual({ event: 'stopped', workers: 2 });
  });
});

describe('worker and registry flags the CLI cannot use', () => {
  it.each([
    [['--workers', 'many'], /--workers must be an integer from 1 to 256, got many/],
    [
      ['--workers', '2', '--registry', 'redis://127.0.0.1:1'],
      /--workers with --registry is not supported yet/,
    ],
    [['--workers', '2', '--report', 'r.json'], /--report with --workers is not supported/],
    [
      ['--registry', 'http://127.0.0.1:6379'],
      /--registry must be a redis:\/\/ URL, got http:\/\/127.0.0.1:6379/,
    ],
    [['--advertise', 'rtmp://10.0.0.7:1935'], /--advertise and --node-id need --registry/],
    [
      ['--registry', 'redis://127.0.0.1:1', '--advertise', 'rtmp://host/app'],
      /--advertise must be rtmp:\/\/HOST:PORT/,
    ],
    [['--drain-ms', 'soon'], /--drain-ms must be an integer from 0 to 600000, got soon/],
  ])('%j exits 1 saying what is wrong', async (args, message) => {
    const cli = startCliProcess(args);
    defer(() => cli.stop());
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(message);
  });
});

// Soak test (not in CI): the reference server with publishers and players churning and hostile
// connections mixed in; samples the server's RSS, heap, handles, fds and event-loop delay and
// prints each one's slope. Goal: RSS and heap slopes about 0, fds stable, loop delay p99 < 50 ms.
//   pnpm --filter @rtmp/reference-server soak [--minutes 30 --publishers 5 --players 100 --slow-players 0]
// With --players 1000 --slow-players 1 it is the plan's F3: many players, one that stops reading.
import { fork } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from '@rtmp/client';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    publishers: { type: 'string', default: '5' },
    players: { type: 'string', default: '100' },
    'slow-players': { type: 'string', default: '0' },
    'sample-seconds': { type: 'string', default: '10' },
  },
});
const endAt = Date.now() + Number(flags.minutes) * 60_000;
const running = () => Date.now() < endAt;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (min: number, max: number) => min + Math.random() * (max - min);

interface Sample {
  at: number;
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
  handles: number;
  fds: number;
  loopDelayP99Ms: number;
  streams: number;
}
const samples: Sample[] = [];
const counts = { published: 0, played: 0, hostile: 0, frames: 0, errors: 0, slowPlayed: 0 };
const child = fork(
  join(import.meta.dirname, 'soak-server.ts'),
  [String(Number(flags['sample-seconds']) * 1000)],
  {
    execArgv: ['--import', 'tsx'],
  },
);
const url = await new Promise<string>((resolve, reject) => {
  child.on('message', (message: { type: string; url?: string } & Sample) => {
    if (message.type === 'listening') resolve(`${message.url}/live`);
    if (message.type === 'sample') {
      samples.push({ ...message, at: Date.now() });
      const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
      console.log(
        JSON.stringify({
          minute: ((Date.now() - (endAt - Number(flags.minutes) * 60_000)) / 60_000).toFixed(1),
          rssMB: mb(message.rss),
          heapMB: mb(message.heapUsed),
          buffersMB: mb(message.arrayBuffers),
          handles: message.handles,
          fds: message.fds,
          loopP99ms: message.loopDelayP99Ms.toFixed(1),
          streams: message.streams,
          ...counts,
        }),
      );
    }
  });
  child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
});
const port = Number(new URL(url).port);

/** A publisher: 25 fps, a keyframe every 2 s, about 1 Mbit/s, reconnecting every 20-40 s. */
async function publisherLoop(index: number): Promise<void> {
  while (running()) {
    try {
      const connection = await connect(url);
      const publisher = await connection.publish(`s${index}`);
      counts.published++;
      const until = Date.now() + jitter(20_000, 40_000);
      for (let frame = 0; running() && Date.now() < until; frame++) {
        const body = new Uint8Array(frame % 50 === 0 ? 30_000 : 4_500).fill(frame & 0xff);
        body[0] = frame % 50 === 0 ? 0x17 : 0x27;
        body[1] = 1;
        await publisher.writeVideo(frame * 40, body);
        counts.frames++;
        await sleep(40);
      }
      await publisher.close();
      await connection.close();
    } catch {
      counts.errors++;
      await sleep(500);
    }
  }
}

/** A player: plays a random stream for 5-15 s, then leaves and comes back. */
async function playerLoop(publishers: number): Promise<void> {
  while (running()) {
    try {
      const connection = await connect(url, { player: true });
      const player = await connection.play(`s${Math.floor(Math.random() * publishers)}`, {
        endOnUnpublish: false,
      });
      counts.played++;
      const stop = setTimeout(() => void connection.close(), jitter(5000, 15_000));
      for await (const _event of player) {
        // reading keeps the player healthy
      }
      clearTimeout(stop);
      await connection.close();
    } catch {
      counts.errors++;
      await sleep(500);
    }
  }
}

/**
 * A player that stops reading: it never consumes its events, so the client pauses its socket and
 * the server's writes to it back up. The server drops its frames, then closes it.
 */
async function slowPlayerLoop(publishers: number): Promise<void> {
  while (running()) {
    try {
      const connection = await connect(url, { player: true });
      await connection.play(`s${Math.floor(Math.random() * publishers)}`, { endOnUnpublish: false });
      counts.slowPlayed++;
      // Long enough to pass the kernel's buffers and the server's drain timeout (30 s).
      await Promise.race([connection.closed, sleep(60_000)]);
      await connection.close();
    } catch {
      counts.errors++;
      await sleep(500);
    }
  }
}

/** Hostile connections: garbage, a stalled handshake, C0 only, a reset mid-handshake, a stalled reader. */
async function hostileLoop(): Promise<void> {
  const attacks = [
    Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    Buffer.alloc(1 + 700, 3),
    Buffer.of(3),
    Buffer.alloc(1537, 0xff),
  ];
  for (let i = 0; running(); i++) {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    socket.on('connect', () => {
      socket.write(attacks[i % attacks.length]!);
      if (i % 2 === 0) socket.resetAndDestroy();
      else setTimeout(() => socket.destroy(), 8000); // hold it open past the connect deadline
    });
    counts.hostile++;
    await sleep(250);
  }
}

const publishers = Number(flags.publishers);
await Promise.all([
  ...Array.from({ length: publishers }, (_, i) => publisherLoop(i)),
  ...Array.from({ length: Number(flags.players) }, async () => {
    await sleep(jitter(0, 5000));
    await playerLoop(publishers);
  }),
  ...Array.from({ length: Number(flags['slow-players']) }, () => slowPlayerLoop(publishers)),
  hostileLoop(),
]);

/** Least-squares slope of `value` over time, per minute. */
function slope(pick: (s: Sample) => number): number {
  // Skip the warm-up, and the wind-down after the end (clients leaving).
  const points = samples.slice(Math.min(3, Math.floor(samples.length / 4))).filter((s) => s.at <= endAt);
  const n = points.length;
  const xs = points.map((s) => s.at / 60_000);
  const ys = points.map(pick);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const num = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}
child.disconnect();
const worstDelay = Math.max(...samples.filter((s) => s.at <= endAt).map((s) => s.loopDelayP99Ms));
console.log(
  JSON.stringify({
    summary: true,
    minutes: Number(flags.minutes),
    samples: samples.length,
    rssSlopeMBPerMin: (slope((s) => s.rss) / 1e6).toFixed(3),
    heapSlopeMBPerMin: (slope((s) => s.heapUsed) / 1e6).toFixed(3),
    buffersSlopeMBPerMin: (slope((s) => s.arrayBuffers) / 1e6).toFixed(3),
    fdsSlopePerMin: slope((s) => s.fds).toFixed(2),
    handlesSlopePerMin: slope((s) => s.handles).toFixed(2),
    fdsRange: [Math.min(...samples.map((s) => s.fds)), Math.max(...samples.map((s) => s.fds))],
    worstLoopDelayP99Ms: worstDelay.toFixed(1),
    ...counts,
  }),
);
process.exit(0);

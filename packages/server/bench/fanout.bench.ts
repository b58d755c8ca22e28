// Fan-out: one publisher, N players, against node-media-server and nginx-rtmp in the same run.
// The server under test is pinned to core 0, this load generator to core 1. Not part of the tests:
//   pnpm --filter @rtmp/server bench [--players 1,10,50,200 --seconds 8 --speed 1 --servers ours,nms,nginx]
//   [--warmup 2 --rounds 1]: with several rounds the servers take turns and each row is the median round.
//   WebSocket-FLV viewers instead of RTMP players: --viewers ws --servers ours,nms
//   Our server on two worker processes (node:cluster): --servers ours,ours-w2 --cores all
//   The Node floor (bench/fanout-floor-server.ts, one write per player per message): floor in --servers;
//   with audio riding with the next video message (our default's writes): floor-riding
//   Ours with the reference server CLI's Node flags (RECOMMENDED_NODE_FLAGS): ours-tuned in --servers
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { encode } from '@rtmp/amf0';
import { connect, type RtmpConnection } from '@rtmp/client';
import {
  freePort,
  type ManagedProcess,
  readFlvTags,
  startNginxRtmp,
  startProcess,
  waitForPort,
} from '@rtmp/test-helpers';
import WebSocket from 'ws';
import { bundledScript } from './bundled-script';
import { medianRound } from './median-round';
import { benchNodeFlags } from './node-flags';
import { kernelShare, treeFigures } from './process-figures';

const { values: flags } = parseArgs({
  options: {
    players: { type: 'string', default: '1,10,50,200' },
    seconds: { type: 'string', default: '8' },
    // Seconds of playing before the window opens (JIT and buffers settle), and runs per row.
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '1' },
    speed: { type: 'string', default: '1' },
    servers: { type: 'string', default: 'ours,nms,nginx' },
    // Relay pushes from our server to an nginx-rtmp sink, on top of the players: their extra CPU.
    pushes: { type: 'string', default: '0' },
    // rtmp: RTMP players; ws: WebSocket-FLV viewers (ours and node-media-server; nginx has none).
    viewers: { type: 'string', default: 'rtmp' },
    // split: the server on core 0, this load generator on core 1; all: everyone shares every core
    // (for ours-wN, our server in N worker processes: --servers ours,ours-w2 --cores all).
    cores: { type: 'string', default: 'split' },
  },
});
const here = dirname(import.meta.filename);

/** 2.5 Mbit/s of video (30 fps, keyframe every 2 s) and 128 kbit/s of audio, as an encoder sends it. */
const FPS = 30;
const GOP_FRAMES = 60;
const KEYFRAME_BYTES = 50_000;
const INTER_FRAME_BYTES = 9_600;
const AUDIO_FRAME_BYTES = 372;
/** Video payloads carry the send time (f64 ms) and a sequence number (u32) after the 5-byte AVC header. */
const STAMP_AT = 5;

interface Server {
  readonly url: string;
  /** ws://host:port for WebSocket-FLV viewers, when they are measured. */
  readonly wsUrl?: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startServer(kind: string): Promise<Server> {
  if (kind === 'nginx') {
    const nginx = await startNginxRtmp();
    if (flags.cores === 'split')
      execFileSync('taskset', ['-pc', '0', String(nginx.pid)], { stdio: 'ignore' });
    return { url: `${nginx.url}/live`, pid: nginx.pid, stop: () => nginx.stop() };
  }
  const port = await freePort();
  const httpPort = flags.viewers === 'ws' ? await freePort() : undefined;
  if (httpPort !== undefined) process.env['HTTP_PORT'] = String(httpPort);
  const pushes = Number(flags.pushes);
  const sink = kind === 'ours' && pushes > 0 ? await startNginxRtmp() : undefined;
  if (sink) {
    process.env['PUSH_TO'] = `${sink.url}/live`;
    process.env['PUSHES'] = String(pushes);
  }
  process.env['AUDIO_RIDES'] = kind === 'floor-riding' ? '1' : '0';
  const workers = /^ours-w(\d+)$/.exec(kind)?.[1];
  const args =
    kind === 'nms'
      ? [process.execPath, join(here, 'nms-server.cjs'), String(port)]
      : kind === 'floor' || kind === 'floor-riding'
        ? [process.execPath, await bundledScript(join(here, 'fanout-floor-server.ts')), String(port)]
        : workers !== undefined
          ? [process.execPath, await bundledScript(join(here, 'cluster-server.ts')), String(port), workers]
          : [
              process.execPath,
              ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
              // ours-tuned's flags and OURS_NODE_FLAGS: for our server alone here.
              ...benchNodeFlags(kind),
              await bundledScript(join(here, 'our-server.ts')),
              String(port),
            ];
  const child: ManagedProcess =
    flags.cores === 'split'
      ? startProcess('taskset', ['-c', '0', ...args])
      : startProcess(args[0]!, args.slice(1));
  await waitForPort(port);
  if (httpPort !== undefined) await waitForPort(httpPort);
  return {
    url: `rtmp://127.0.0.1:${port}/live`,
    ...(httpPort !== undefined ? { wsUrl: `ws://127.0.0.1:${httpPort}` } : {}),
    pid: child.child.pid!,
    stop: async () => {
      await child.stop();
      await sink?.stop();
    },
  };
}

interface PlayerTally {
  bytes: number;
  frames: number;
  lastSequence: number;
  readonly latencies: number[];
}

/** One video frame's bytes as a viewer got them: its send time and sequence number are tallied. */
function tallyVideo(tally: PlayerTally, payload: Uint8Array, from: () => number): void {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const sequence = view.getUint32(STAMP_AT + 8);
  tally.lastSequence = sequence;
  if (sequence < from()) return;
  tally.frames++;
  tally.latencies.push(performance.now() - view.getFloat64(STAMP_AT));
}

/** A WebSocket-FLV viewer: FLV tags parsed from the frames as they come, tallied like a player's. */
function runViewer(
  url: string,
  tally: PlayerTally,
  from: () => number,
): { ws: WebSocket; done: Promise<void> } {
  const ws = new WebSocket(url);
  let pending: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  let skip = 13; // the FLV header and PreviousTagSize0
  ws.on('message', (data: Buffer) => {
    pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
    for (;;) {
      if (skip > 0) {
        const skipped = Math.min(skip, pending.length);
        pending = pending.subarray(skipped);
        skip -= skipped;
        if (skip > 0) return;
      }
      if (pending.length < 11) return;
      const size = pending.readUIntBE(1, 3);
      if (pending.length < 11 + size + 4) return;
      const type = pending[0]!;
      const body = pending.subarray(11, 11 + size);
      if (type === 8 || type === 9) tally.bytes += size;
      if (type === 9 && body[1] === 1) tallyVideo(tally, body, from);
      pending = pending.subarray(11 + size + 4);
    }
  });
  const done = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return { ws, done };
}

async function runPlayer(connection: RtmpConnection, tally: PlayerTally, from: () => number): Promise<void> {
  const player = await connection.play('bench');
  for await (const event of player) {
    if (event.type !== 'audio' && event.type !== 'video') continue;
    tally.bytes += event.payload.length;
    if (event.type === 'video' && event.payload[1] === 1) tallyVideo(tally, event.payload, from);
  }
}

const sample = readFlvTags(join(here, '../../../apps/publisher-demo/media/sample.flv'));
const videoConfig = sample.find((tag) => tag.type === 9 && tag.body[1] === 0)!.body;
const audioConfig = sample.find((tag) => tag.type === 8 && tag.body[1] === 0)!.body;

function videoFrame(sequence: number): Uint8Array {
  const key = sequence % GOP_FRAMES === 0;
  const frame = new Uint8Array(key ? KEYFRAME_BYTES : INTER_FRAME_BYTES);
  frame[0] = key ? 0x17 : 0x27;
  frame[1] = 1;
  const view = new DataView(frame.buffer);
  view.setFloat64(STAMP_AT, performance.now());
  view.setUint32(STAMP_AT + 8, sequence);
  return frame;
}

const AUDIO_FRAME = new Uint8Array(AUDIO_FRAME_BYTES).fill(0x21);
AUDIO_FRAME[0] = 0xaf;
AUDIO_FRAME[1] = 1;

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function measure(kind: string, players: number, seconds: number, speed: number) {
  const server = await startServer(kind);
  try {
    const publishing = await connect(server.url);
    const publisher = await publishing.publish('bench');
    await publisher.writeData(
      0,
      Buffer.concat([
        encode('@setDataFrame'),
        encode('onMetaData'),
        encode({ width: 1280, height: 720, videocodecid: 7, audiocodecid: 10 }),
      ]),
    );
    await publisher.writeVideo(0, videoConfig);
    await publisher.writeAudio(0, audioConfig);

    let sequence = 0;
    let measureFrom = Number.POSITIVE_INFINITY;
    let audioTime = 0;
    const started = performance.now();
    // Each message leaves when its own time comes, audio and video interleaved as an encoder
    // sends them (not an audio frame tagging along with each video frame).
    const sendDue = async (nowMs: number) => {
      for (;;) {
        const videoAt = (sequence * 1000) / FPS;
        if (Math.min(videoAt, audioTime) > nowMs) return;
        if (audioTime < videoAt) {
          await publisher.writeAudio(Math.round(audioTime), AUDIO_FRAME);
          audioTime += 1024 / 44.1;
        } else {
          await publisher.writeVideo(Math.round(videoAt), videoFrame(sequence));
          sequence++;
        }
      }
    };
    // The publisher keeps real time (times the speed) on its own timer while players join.
    let stopped = false;
    const pump = (async () => {
      while (!stopped) {
        await sendDue((performance.now() - started) * speed);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    const tallies: PlayerTally[] = [];
    const connections: RtmpConnection[] = [];
    const playing: Promise<void>[] = [];
    const viewers: WebSocket[] = [];
    for (let i = 0; i < players; i++) {
      const tally: PlayerTally = { bytes: 0, frames: 0, lastSequence: -1, latencies: [] };
      tallies.push(tally);
      if (server.wsUrl !== undefined) {
        const viewer = runViewer(`${server.wsUrl}/live/bench.flv`, tally, () => measureFrom);
        viewers.push(viewer.ws);
        playing.push(viewer.done);
        continue;
      }
      const connection = await connect(server.url);
      connections.push(connection);
      playing.push(runPlayer(connection, tally, () => measureFrom).catch(() => {}));
    }
    // Everyone is playing once every player has seen a frame; then the window opens.
    const joinDeadline = performance.now() + 20_000;
    while (tallies.some((tally) => tally.lastSequence < 0) && performance.now() < joinDeadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, Number(flags.warmup) * 1000));
    measureFrom = sequence + 1;
    for (const tally of tallies) tally.bytes = 0;
    const before = treeFigures(server.pid);
    const windowStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    stopped = true;
    await pump;
    const lastSent = sequence - 1;
    // Stragglers: wait (bounded) for the last frame to reach every player.
    const drainDeadline = performance.now() + 3000;
    while (tallies.some((tally) => tally.lastSequence < lastSent) && performance.now() < drainDeadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const windowMs = performance.now() - windowStart;
    const after = treeFigures(server.pid);

    const delivered = tallies.reduce((sum, tally) => sum + tally.bytes, 0);
    const latencies = tallies.flatMap((tally) => tally.latencies).sort((a, b) => a - b);
    const expected = (lastSent - measureFrom + 1) * players;
    const received = tallies.reduce((sum, tally) => sum + tally.frames, 0);
    await Promise.all(connections.map((connection) => connection.close().catch(() => {})));
    for (const viewer of viewers) viewer.terminate();
    await publishing.close().catch(() => {});
    await Promise.all(playing);
    const cpuMs = after.cpuMs - before.cpuMs;
    return {
      server: kind,
      players,
      ...(kind === 'ours' && Number(flags.pushes) > 0 ? { pushes: Number(flags.pushes) } : {}),
      'CPU ms/s': ((cpuMs / windowMs) * 1000).toFixed(1),
      'egress Mbit/s': ((delivered * 8) / windowMs / 1000).toFixed(1),
      'server CPU %': ((cpuMs / windowMs) * 100).toFixed(0),
      'CPU ms/MB': (cpuMs / (delivered / 1e6)).toFixed(2),
      'kernel %': kernelShare(before, after).toFixed(0),
      'peak RSS MB': (after.peakRss / 1e6).toFixed(0),
      'p50 ms': percentile(latencies, 0.5).toFixed(1),
      'p99 ms': percentile(latencies, 0.99).toFixed(1),
      lost: expected - received,
    };
  } finally {
    await server.stop();
  }
}

if (flags.cores === 'split') execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
const rows: Awaited<ReturnType<typeof measure>>[] = [];
for (const players of flags.players.split(',').map(Number)) {
  const rounds = new Map<string, Awaited<ReturnType<typeof measure>>[]>();
  for (let round = 0; round < Number(flags.rounds); round++) {
    for (const kind of flags.servers.split(',')) {
      const row = await measure(kind, players, Number(flags.seconds), Number(flags.speed));
      console.log(JSON.stringify(row));
      rounds.set(kind, [...(rounds.get(kind) ?? []), row]);
    }
  }
  for (const runs of rounds.values()) rows.push(medianRound(runs));
}
console.table(rows);
// Ratios of our CPU per delivered MB to each peer's, per player count (below 1: we spend less),
// and a verdict per goal of the performance issue that this run can judge.
type Row = (typeof rows)[number];
const rowOf = (server: string, players: number): Row | undefined =>
  rows.find((row) => row.players === players && row.server === server);
const verdict = (goal: string, value: number, limit: number, unit = '×') =>
  console.log(
    `  ${value <= limit ? 'met    ' : 'NOT met'} ${goal}: ${value.toFixed(2)}${unit} (limit ${limit}${unit})`,
  );
// Ours with Node's defaults, and ours-tuned with the reference server CLI's flags, each judged.
for (const self of ['ours', 'ours-tuned']) {
  for (const players of new Set(rows.map((row) => row.players))) {
    const ours = rowOf(self, players);
    if (ours === undefined) continue;
    const peers = (flags.viewers === 'ws' ? ['nms'] : ['nms', 'nginx', 'floor', 'floor-riding']).filter(
      (peer) => rowOf(peer, players),
    );
    const ratio = (peer: string, field: 'CPU ms/MB' | 'p50 ms' | 'p99 ms') =>
      Number(ours[field]) / Number(rowOf(peer, players)![field]);
    if (peers.length > 0)
      console.log(
        `${players} players, ${self}: CPU per delivered MB vs ${peers.map((peer) => `${peer} ${ratio(peer, 'CPU ms/MB').toFixed(2)}×`).join(', ')}`,
      );
    if (flags.viewers === 'ws') {
      if (rowOf('nms', players)) verdict('WebSocket-FLV CPU/MB vs NMS', ratio('nms', 'CPU ms/MB'), 0.7);
      continue;
    }
    if ((players === 50 || players === 200) && rowOf('nginx', players)) {
      verdict('fan-out CPU/MB vs nginx', ratio('nginx', 'CPU ms/MB'), 1.0);
      verdict('p50 vs nginx', ratio('nginx', 'p50 ms'), 2);
      verdict('p99 vs nginx', ratio('nginx', 'p99 ms'), 2);
    }
    if ((players === 10 || players === 50) && rowOf('nms', players))
      verdict('low fan-out CPU/MB vs NMS', ratio('nms', 'CPU ms/MB'), 1.0);
    if (players === 200) verdict('peak RSS', Number(ours['peak RSS MB']), 64, ' MB');
  }
}
// The bounds on those goals for any Node server: the floors against nginx, and the floor's own RSS.
for (const players of new Set(rows.map((row) => row.players))) {
  const nginx = rowOf('nginx', players);
  const floors = ['floor', 'floor-riding'].filter((floor) => rowOf(floor, players));
  if (nginx !== undefined && floors.length > 0 && flags.viewers !== 'ws')
    console.log(
      `${players} players, the Node floors: CPU per delivered MB vs nginx ${floors.map((floor) => `${floor} ${(Number(rowOf(floor, players)!['CPU ms/MB']) / Number(nginx['CPU ms/MB'])).toFixed(2)}×`).join(', ')}; peak RSS ${floors.map((floor) => `${floor} ${rowOf(floor, players)!['peak RSS MB']} MB`).join(', ')}`,
    );
}
// Worker processes (ours-wN): what the internal hop costs, and the egress each setup sustains
// within a fixed p99 (P99_LIMIT_MS), per player count and over the counts measured.
const P99_LIMIT_MS = 50;
const clustered = [...new Set(rows.map((row) => row.server))].filter((server) => /^ours-w\d+$/.test(server));
for (const server of clustered) {
  for (const players of new Set(rows.map((row) => row.players))) {
    const single = rowOf('ours', players);
    const many = rowOf(server, players);
    if (single === undefined || many === undefined) continue;
    const extra = Number(many['CPU ms/MB']) - Number(single['CPU ms/MB']);
    console.log(
      `${players} players: ${server} CPU/MB ${(Number(many['CPU ms/MB']) / Number(single['CPU ms/MB'])).toFixed(2)}× one process (${extra >= 0 ? '+' : ''}${extra.toFixed(2)} ms/MB for the workers and their internal pulls), p99 ${many['p99 ms']} vs ${single['p99 ms']} ms`,
    );
  }
  for (const name of ['ours', server]) {
    const within = rows.filter((row) => row.server === name && Number(row['p99 ms']) <= P99_LIMIT_MS);
    const best = Math.max(0, ...within.map((row) => Number(row['egress Mbit/s'])));
    console.log(`  ${name}: most egress with p99 ≤ ${P99_LIMIT_MS} ms: ${best.toFixed(0)} Mbit/s`);
  }
}

// Ingest (CPU per ingested MB of media): P publishers of a 6 Mbit/s 1080p-like stream, each its own stream (start times
// staggered, keyframes not aligned), no players, against node-media-server, nginx-rtmp and the
// Node floor (handshake and publish, then reads discarded) in the same run. The server under test
// is pinned to core 0, the publishers to core 1. Not part of the tests:
//   pnpm --filter @rtmp/server bench:ingest [--publishers 10,50,100 --seconds 10 --servers ours,nms,nginx,floor --record off,on]
//   [--rounds 1]: with several rounds the servers take turns and each row is the median round.
//   floor-session in --servers: the floor with every read going through our ServerSession (messages dropped).
//   ours-tuned in --servers: ours with the reference server CLI's Node flags (RECOMMENDED_NODE_FLAGS).
//   A soak with the RSS every 30 s: --publishers 100 --servers ours --seconds 600 --sample-rss 30
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, type RtmpConnection, type RtmpPublisher } from '@rtmp/client';
import { freePort, startNginxRtmp, startProcess, waitForPort } from '@rtmp/test-helpers';
import { bundledScript } from './bundled-script';
import { medianRound } from './median-round';
import { benchNodeFlags } from './node-flags';
import { currentRss, kernelShare, processFigures } from './process-figures';

const { values: flags } = parseArgs({
  options: {
    publishers: { type: 'string', default: '10,50,100' },
    seconds: { type: 'string', default: '10' },
    servers: { type: 'string', default: 'ours,nms,nginx,floor' },
    record: { type: 'string', default: 'off' },
    rounds: { type: 'string', default: '1' },
    // A soak: the server's RSS every N seconds of the window, and how much it grew from the first
    // sample to the last (e.g. --publishers 100 --servers ours --seconds 600 --sample-rss 30).
    'sample-rss': { type: 'string' },
  },
});
const here = dirname(import.meta.filename);

/** 6 Mbit/s: 30 fps video, a 200 KB keyframe every 2 s, 128 kbit/s of audio. */
const FPS = 30;
const GOP_FRAMES = 60;
const KEYFRAME_BYTES = 200_000;
const INTER_FRAME_BYTES = Math.round((6_000_000 / 8 - 16_000 - KEYFRAME_BYTES / 2) / (FPS - 0.5));
const AUDIO_FRAME_BYTES = 372;
const AUDIO_MS = 1024 / 44.1;
const keyframe = new Uint8Array(KEYFRAME_BYTES).fill(0x42);
keyframe.set([0x17, 1, 0, 0, 0]);
const interFrame = new Uint8Array(INTER_FRAME_BYTES).fill(0x43);
interFrame.set([0x27, 1, 0, 0, 0]);
const audioFrame = new Uint8Array(AUDIO_FRAME_BYTES).fill(0x44);
audioFrame.set([0xaf, 1]);
const videoConfig = Uint8Array.from([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x28, 0xff, 0xe0, 0]);
const audioConfig = Uint8Array.from([0xaf, 0, 0x12, 0x10]);

interface Server {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startServer(kind: string, recordDir: string | undefined): Promise<Server> {
  if (kind === 'nginx') {
    const app = recordDir
      ? `application live { live on; record all; record_path ${recordDir}; }`
      : 'application live { live on; }';
    const nginx = await startNginxRtmp(app);
    execFileSync('taskset', ['-pc', '0', String(nginx.pid)], { stdio: 'ignore' });
    return { url: `${nginx.url}/live`, pid: nginx.pid, stop: () => nginx.stop() };
  }
  const port = await freePort();
  const script =
    kind === 'nms'
      ? [join(here, 'nms-server.cjs')]
      : [await bundledScript(join(here, kind.startsWith('floor') ? 'floor-server.ts' : 'our-server.ts'))];
  // The child inherits the environment: RECORD_DIR turns our server's recording on.
  if (recordDir && kind.startsWith('ours')) process.env['RECORD_DIR'] = recordDir;
  else delete process.env['RECORD_DIR'];
  // floor-session: the floor with every read going through our ServerSession.
  if (kind === 'floor-session') process.env['SESSION'] = '1';
  else delete process.env['SESSION'];
  // ours-tuned's flags and OURS_NODE_FLAGS: for our server and the floors here.
  const nodeFlags = kind === 'nms' ? [] : benchNodeFlags(kind);
  const child = startProcess('taskset', ['-c', '0', process.execPath, ...nodeFlags, ...script, String(port)]);
  await waitForPort(port);
  return { url: `rtmp://127.0.0.1:${port}/live`, pid: child.child.pid!, stop: () => child.stop() };
}

/** One publisher's pace: its clock starts at `startAt`, its GOP at `phase` frames in. */
interface Pace {
  readonly publisher: RtmpPublisher;
  readonly startAt: number;
  readonly phase: number;
  frame: number;
  audioAt: number;
  /** The most it was behind real time, in ms, while measured. */
  worstLagMs: number;
  /** Media bytes written while measured. */
  bytes: number;
  busy: boolean;
}

/** Writes what `pace` owes up to `now`; a write that has to wait for the socket is lag. */
async function sendDue(pace: Pace, now: number, measuring: boolean): Promise<void> {
  if (pace.busy) return;
  pace.busy = true;
  try {
    while (pace.startAt + (pace.frame * 1000) / FPS <= now) {
      const timestamp = Math.round((pace.frame * 1000) / FPS);
      const body = (pace.frame + pace.phase) % GOP_FRAMES === 0 ? keyframe : interFrame;
      await pace.publisher.writeVideo(timestamp, body);
      if (measuring) pace.bytes += body.length;
      while (pace.audioAt <= timestamp) {
        await pace.publisher.writeAudio(Math.round(pace.audioAt), audioFrame);
        if (measuring) pace.bytes += audioFrame.length;
        pace.audioAt += AUDIO_MS;
      }
      pace.frame++;
      if (measuring)
        pace.worstLagMs = Math.max(pace.worstLagMs, performance.now() - (pace.startAt + timestamp));
    }
  } finally {
    pace.busy = false;
  }
}

async function measure(kind: string, publishers: number, seconds: number, record: boolean) {
  const recordDir = record ? mkdtempSync(join(tmpdir(), 'ingest-record-')) : undefined;
  const server = await startServer(kind, recordDir);
  const connections: RtmpConnection[] = [];
  try {
    const paces: Pace[] = [];
    const started = performance.now();
    for (let i = 0; i < publishers; i++) {
      const connection = await connect(server.url);
      connections.push(connection);
      const publisher = await connection.publish(`stream-${i}`);
      await publisher.writeVideo(0, videoConfig);
      await publisher.writeAudio(0, audioConfig);
      // Staggered by up to a GOP, keyframes out of step.
      paces.push({
        publisher,
        startAt: performance.now() + Math.random() * 2000,
        phase: Math.floor(Math.random() * GOP_FRAMES),
        frame: 0,
        audioAt: 0,
        worstLagMs: 0,
        bytes: 0,
        busy: false,
      });
    }
    let measuring = false;
    let stopped = false;
    const pump = (async () => {
      while (!stopped) {
        const now = performance.now();
        for (const pace of paces) void sendDue(pace, now, measuring);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    // Everyone has been publishing a while (past the stagger) before the window opens.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 4000 - performance.now())));
    const before = processFigures(server.pid);
    const generatorBefore = process.cpuUsage();
    const windowStart = performance.now();
    measuring = true;
    const sampleEvery = flags['sample-rss'] === undefined ? undefined : Number(flags['sample-rss']) * 1000;
    const samples: number[] = [];
    const sampler =
      sampleEvery === undefined
        ? undefined
        : setInterval(() => {
            samples.push(currentRss(server.pid));
            const seconds = ((performance.now() - windowStart) / 1000).toFixed(0);
            console.log(
              JSON.stringify({
                server: kind,
                publishers,
                't s': seconds,
                'RSS MB': (samples.at(-1)! / 1e6).toFixed(0),
              }),
            );
          }, sampleEvery);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    clearInterval(sampler);
    const windowMs = performance.now() - windowStart;
    const after = processFigures(server.pid);
    const generator = process.cpuUsage(generatorBefore);
    const ingested = paces.reduce((sum, pace) => sum + pace.bytes, 0);
    stopped = true;
    await pump;
    const cpuMs = after.cpuMs - before.cpuMs;
    const lags = paces.map((pace) => pace.worstLagMs).sort((a, b) => a - b);
    return {
      server: kind,
      publishers,
      record: record ? 'on' : 'off',
      'media Mbit/s': ((ingested * 8) / windowMs / 1000).toFixed(0),
      'CPU ms/s': ((cpuMs / windowMs) * 1000).toFixed(0),
      'CPU ms/MB': (cpuMs / (ingested / 1e6)).toFixed(2),
      'kernel %': kernelShare(before, after).toFixed(0),
      'peak RSS MB': (after.peakRss / 1e6).toFixed(0),
      'worst lag ms': lags.at(-1)!.toFixed(0),
      'behind >1s': lags.filter((lag) => lag > 1000).length,
      'generator CPU %': (((generator.user + generator.system) / 1000 / windowMs) * 100).toFixed(0),
      ...(samples.length >= 2 ? { 'RSS growth MB': ((samples.at(-1)! - samples[0]!) / 1e6).toFixed(0) } : {}),
    };
  } finally {
    await Promise.all(connections.map((connection) => connection.close().catch(() => {})));
    await server.stop();
    if (recordDir) rmSync(recordDir, { recursive: true, force: true });
  }
}

execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
const rows: Awaited<ReturnType<typeof measure>>[] = [];
for (const record of flags.record.split(',').map((value) => value === 'on')) {
  for (const publishers of flags.publishers.split(',').map(Number)) {
    // With several rounds the servers take turns, and each row is the server's median round.
    const rounds = new Map<string, Awaited<ReturnType<typeof measure>>[]>();
    for (let round = 0; round < Number(flags.rounds); round++) {
      for (const kind of flags.servers.split(',')) {
        if (record && (kind.startsWith('floor') || kind === 'nms')) continue; // the floors and NMS do not record here
        const row = await measure(kind, publishers, Number(flags.seconds), record);
        console.log(JSON.stringify(row));
        rounds.set(kind, [...(rounds.get(kind) ?? []), row]);
      }
    }
    for (const runs of rounds.values()) rows.push(medianRound(runs));
  }
}
console.table(rows);
// Ratios of our CPU per ingested MB (and peak RSS) to each peer's, per row: ours with Node's
// defaults, and ours-tuned with the reference server CLI's flags.
for (const { server: self, publishers, record } of rows.filter((row) => row.server.startsWith('ours'))) {
  const of = (server: string) =>
    rows.find((r) => r.server === server && r.publishers === publishers && r.record === record);
  const ours = of(self)!;
  const ratio = (peer: string, field: 'CPU ms/MB' | 'peak RSS MB') => {
    const row = of(peer);
    return row ? `${(Number(ours[field]) / Number(row[field])).toFixed(2)}×` : 'n/a';
  };
  console.log(
    `${publishers} publishers, recording ${record}, ${self}: CPU/MB vs nms ${ratio('nms', 'CPU ms/MB')} (goal ≤ 0.7), vs floor ${ratio('floor', 'CPU ms/MB')} (goal ≤ 1.3), vs floor-session ${ratio('floor-session', 'CPU ms/MB')}, vs nginx ${ratio('nginx', 'CPU ms/MB')}; peak RSS vs nms ${ratio('nms', 'peak RSS MB')} (goal ≤ 0.7); behind >1 s: ${ours['behind >1s']} (goal 0)`,
  );
}

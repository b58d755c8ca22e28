// Our RtmpServer alone, as the fan-out benchmark runs it: node --import tsx our-server.ts <port>
// MERGE_MS overrides fanOutMergeMs (0 turns merged writes off); PUSH_TO and PUSHES add relay pushes;
// AUDIO_HOLD_MS overrides fanOutAudioHoldMs; RECORD_DIR records.
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { encodeFlvHeader, encodeFlvTag, messageToFlvTag } from '@rtmp/flv';
import { RtmpServer } from '../src/index';

// RECORD_DIR: every published stream is also written to an FLV file there (the ingest benchmark's
// "recording on"), the way the reference server records.
const recordDir = process.env['RECORD_DIR'];
const recordings = new Map<string, WriteStream>();
const record = (key: string, message: Parameters<typeof messageToFlvTag>[0]) => {
  let file = recordings.get(key);
  if (file === undefined) {
    file = createWriteStream(join(recordDir!, `${key.replace(/\//g, '_')}.flv`));
    file.write(encodeFlvHeader({ hasAudio: true, hasVideo: true }));
    recordings.set(key, file);
  }
  const tag = messageToFlvTag(message);
  if (tag !== undefined) for (const piece of encodeFlvTag(tag)) file.write(piece);
};

// Every player of the benchmark comes from 127.0.0.1: lift the per-address cap.
const server = new RtmpServer({
  host: '127.0.0.1',
  port: Number(process.argv[2]),
  maxConnectionsPerAddress: 10_000,
  ...(recordDir === undefined ? {} : { observe: { message: record } }),
  ...(process.env['MERGE_MS'] === undefined ? {} : { fanOutMergeMs: Number(process.env['MERGE_MS']) }),
  ...(process.env['AUDIO_HOLD_MS'] === undefined
    ? {}
    : { fanOutAudioHoldMs: Number(process.env['AUDIO_HOLD_MS']) }),
  // PUSH_TO and PUSHES: the stream is also pushed PUSHES times to PUSH_TO (as bench-0, bench-1, ...).
  ...(process.env['PUSH_TO'] === undefined
    ? {}
    : {
        relay: {
          push: Array.from({ length: Number(process.env['PUSHES'] ?? 1) }, (_, i) => ({
            url: process.env['PUSH_TO']!,
            name: () => `bench-${i}`,
          })),
        },
      }),
});
await server.listen();
// HTTP_PORT: WebSocket-FLV and HTTP-FLV viewers too.
if (process.env['HTTP_PORT'] !== undefined)
  await server.http.listen({ port: Number(process.env['HTTP_PORT']) });
console.log('listening');
// A clean exit, so --cpu-prof (BENCH_PROFILE=1) gets written.
process.once('SIGTERM', () => process.exit(0));

// Our RtmpServer alone, as the fan-out benchmark runs it: node --import tsx our-server.ts <port>
// MERGE_MS overrides fanOutMergeMs (0 turns merged writes off).
import { RtmpServer } from '../src/index';

// Every player of the benchmark comes from 127.0.0.1: lift the per-address cap.
const server = new RtmpServer({
  host: '127.0.0.1',
  port: Number(process.argv[2]),
  maxConnectionsPerAddress: 10_000,
  ...(process.env['MERGE_MS'] === undefined ? {} : { fanOutMergeMs: Number(process.env['MERGE_MS']) }),
});
await server.listen();
console.log('listening');
// A clean exit, so --cpu-prof (BENCH_PROFILE=1) gets written.
process.once('SIGTERM', () => process.exit(0));

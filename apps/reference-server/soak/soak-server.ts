// The server side of the soak test: the reference server in its own process, sampling itself
// every interval and reporting to the parent over IPC.
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startReferenceServer } from '../src/reference-server';

const intervalMs = Number(process.argv[2] ?? 10_000);
const server = await startReferenceServer({
  port: 0,
  messageLog: false,
  historyLength: 100,
  // Every soak connection comes from 127.0.0.1.
  server: { maxConnections: 10_000, maxConnectionsPerAddress: 10_000, connectTimeoutMs: 5000 },
});
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
process.send!({ type: 'listening', url: server.url });

setInterval(() => {
  const memory = process.memoryUsage();
  process.send!({
    type: 'sample',
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    arrayBuffers: memory.arrayBuffers,
    handles: process.getActiveResourcesInfo().length,
    fds: readdirSync('/proc/self/fd').length,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    streams: server.streams().length,
  });
  delay.reset();
}, intervalMs);
process.on('disconnect', () => void server.close().then(() => process.exit(0)));

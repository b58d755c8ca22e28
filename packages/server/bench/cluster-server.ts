// Our RtmpServer on every core, as the fan-out benchmark's `ours-wN` runs it:
//   node cluster-server.mjs <port> <workers>
// node:cluster shares the port; the primary holds the stream registry; each worker advertises a
// private loopback port the others pull from (what the reference server's --workers does).
import cluster from 'node:cluster';
import { createServer } from 'node:net';
import { ClusterStreamRegistry, RtmpServer, serveClusterRegistry } from '../src/index';

const port = Number(process.argv[2]);
const workers = Number(process.argv[3] ?? 2);

if (cluster.isPrimary) {
  serveClusterRegistry();
  for (let i = 0; i < workers; i++) cluster.fork();
  process.once('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    process.exit(0);
  });
} else {
  let server: RtmpServer | undefined;
  const internal = createServer((socket) => (server ? server.handle(socket) : socket.destroy()));
  await new Promise<void>((resolve) =>
    internal.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve),
  );
  const { port: internalPort } = internal.address() as { port: number };
  server = new RtmpServer({
    host: '127.0.0.1',
    port,
    // Every player of the benchmark comes from 127.0.0.1: lift the per-address cap.
    maxConnectionsPerAddress: 10_000,
    registry: {
      registry: new ClusterStreamRegistry(),
      advertise: `rtmp://127.0.0.1:${internalPort}`,
      nodeId: `worker-${cluster.worker!.id}`,
    },
  });
  await server.listen();
}

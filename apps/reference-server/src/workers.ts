import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server, type Socket } from 'node:net';
import { serveClusterRegistry } from '@rtmp/server';
import type { Logger } from './log';

/** What a worker tells the primary (over the cluster's IPC channel): that it listens, and where. */
export interface WorkerEvent {
  readonly event: 'listening';
  readonly line: Record<string, unknown>;
}

const isWorkerEvent = (message: unknown): message is WorkerEvent =>
  typeof message === 'object' && message !== null && (message as WorkerEvent).event === 'listening';

/** A worker's line for the primary to print (the workers do not write to stdout themselves). */
export function toPrimary(event: WorkerEvent): void {
  process.send?.(event);
}

/**
 * A worker's private listener on loopback: the cluster shares the public port among the workers
 * (any of them may get a connection), so the others pull a stream from the worker that has it here.
 */
export async function privateListener(serve: (socket: Socket) => void): Promise<{
  server: Server;
  url: string;
}> {
  const server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve);
  });
  return { server, url: `rtmp://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/**
 * The primary of `--workers N`: forks N workers (the same command line) that share the RTMP port,
 * holds their stream registry, prints one listening line once all listen, restarts a worker that
 * exits unasked, forwards SIGHUP, and on SIGINT/SIGTERM stops them all and exits with the worst
 * status they exited with.
 */
export function runPrimary(workers: number, log: Logger): void {
  const stopServing = serveClusterRegistry();
  const listening: Record<string, unknown>[] = [];
  const statuses: number[] = [];
  let stopping = false;

  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (!isWorkerEvent(message)) return;
      if (listening.length < workers) {
        listening.push(message.line);
        if (listening.length === workers)
          process.stdout.write(`${JSON.stringify({ ...listening[0], workers })}\n`);
      }
    });
    return worker;
  };
  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    if (stopping) {
      statuses.push(code ?? 1);
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        stopServing();
        process.stdout.write(`${JSON.stringify({ event: 'stopped', workers })}\n`);
        process.exit(Math.max(0, ...statuses));
      }
      return;
    }
    // A worker that died (crashed, killed) is replaced; its clients reconnect to the others or to it.
    log('warn', 'worker exited: starting another', { worker: worker.id, code, signal });
    process.stdout.write(`${JSON.stringify({ event: 'worker-exited', worker: worker.id, code, signal })}\n`);
    fork();
  });
  for (let i = 0; i < workers; i++) fork();

  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.on('SIGHUP', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
  });
}

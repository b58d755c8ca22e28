import cluster, { type Worker } from 'node:cluster';
import { RtmpServerError } from '../errors';
import { MemoryStreamRegistry, type StreamRegistry } from '../stream-registry';

/** Marks the registry's messages on the cluster's IPC channel (the application may use it too). */
const TAG = 'rtmp:stream-registry';

type Operation = 'announce' | 'withdraw' | 'lookup';
interface Request {
  readonly [TAG]: { readonly id: number; readonly op: Operation; readonly args: unknown[] };
}
interface Answer {
  readonly [TAG]: { readonly id: number; readonly result?: unknown; readonly error?: string };
}

const isTagged = (message: unknown): message is Request & Answer =>
  typeof message === 'object' && message !== null && TAG in message;

/** Options of {@link ClusterStreamRegistry}. */
export interface ClusterStreamRegistryOptions {
  /** A call the primary has not answered within this long fails, in ms. @default 2000 */
  readonly timeoutMs?: number;
}

/**
 * A {@link StreamRegistry} for a `node:cluster` worker: the map is held by the primary
 * ({@link serveClusterRegistry}), asked over the cluster's IPC channel.
 */
export class ClusterStreamRegistry implements StreamRegistry {
  #nextId = 1;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  readonly #timeoutMs: number;
  readonly #onMessage = (message: unknown) => {
    if (!isTagged(message)) return;
    const { id, result, error } = message[TAG];
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (error === undefined) pending.resolve(result);
    else pending.reject(new Error(error));
  };

  /** @throws {@link RtmpServerError} `SERVER_INVALID_STATE` outside a cluster worker. */
  constructor(options: ClusterStreamRegistryOptions = {}) {
    if (process.send === undefined || !cluster.isWorker)
      throw new RtmpServerError(
        'SERVER_INVALID_STATE',
        'ClusterStreamRegistry runs in a node:cluster worker',
      );
    this.#timeoutMs = options.timeoutMs ?? 2000;
    process.on('message', this.#onMessage);
  }

  announce(...args: Parameters<StreamRegistry['announce']>): Promise<boolean> {
    return this.#ask('announce', args) as Promise<boolean>;
  }

  withdraw(...args: Parameters<StreamRegistry['withdraw']>): Promise<void> {
    return this.#ask('withdraw', args) as Promise<void>;
  }

  lookup(...args: Parameters<StreamRegistry['lookup']>): ReturnType<StreamRegistry['lookup']> {
    return this.#ask('lookup', args) as ReturnType<StreamRegistry['lookup']>;
  }

  /** Stops listening to the primary; calls under way fail. */
  close(): void {
    process.off('message', this.#onMessage);
    for (const { reject, timer } of this.#pending.values()) {
      clearTimeout(timer);
      reject(new Error('the registry was closed'));
    }
    this.#pending.clear();
  }

  #ask(op: Operation, args: unknown[]): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the cluster's primary did not answer ${op} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      timer.unref();
      this.#pending.set(id, { resolve, reject, timer });
      const request: Request = { [TAG]: { id, op, args } };
      process.send!(request);
    });
  }
}

/**
 * Serves the stream registry of a `node:cluster`'s workers from the primary: one map for all of
 * them, and the entries of a worker that exits are withdrawn at once (its streams end everywhere
 * without waiting for their TTL). Returns a function that stops serving.
 */
export function serveClusterRegistry(registry: StreamRegistry = new MemoryStreamRegistry()): () => void {
  /** Node ids each worker announced, to withdraw its keys when it exits. */
  const announced = new Map<Worker, Map<string, string>>();
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isTagged(message)) return;
    const { id, op, args } = message[TAG];
    if (op !== 'announce' && op !== 'withdraw' && op !== 'lookup') return;
    if (op === 'announce') {
      const { key, nodeId } = args[0] as { key: string; nodeId: string };
      announced.set(worker, (announced.get(worker) ?? new Map()).set(key, nodeId));
    }
    if (op === 'withdraw') announced.get(worker)?.delete(args[0] as string);
    const run = (registry[op] as (...args: unknown[]) => Promise<unknown>).bind(registry);
    void run(...args).then(
      (result) => worker.isConnected() && worker.send({ [TAG]: { id, result } } satisfies Answer),
      (error: unknown) =>
        worker.isConnected() && worker.send({ [TAG]: { id, error: String(error) } } satisfies Answer),
    );
  };
  const onExit = (worker: Worker) => {
    for (const [key, nodeId] of announced.get(worker) ?? []) void registry.withdraw(key, nodeId);
    announced.delete(worker);
  };
  cluster.on('message', onMessage);
  cluster.on('exit', onExit);
  return () => {
    cluster.off('message', onMessage);
    cluster.off('exit', onExit);
  };
}

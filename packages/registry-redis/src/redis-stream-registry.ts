import type { StreamRegistry, StreamRegistryEntry } from '@rtmp/server';
import { Redis } from 'ioredis';

/** Options of {@link RedisStreamRegistry}. */
export interface RedisStreamRegistryOptions {
  /** Prepended to every stream key, so several deployments can share one Redis. @default `rtmp:stream:` */
  readonly prefix?: string;
}

/** The named defaults of {@link RedisStreamRegistryOptions}. */
export const REDIS_REGISTRY_DEFAULTS = { prefix: 'rtmp:stream:' } as const;

// Claim or refresh atomically: another node's well-formed entry wins; a malformed one is replaced.
const ANNOUNCE = `
local held = redis.call('GET', KEYS[1])
if held then
  local ok, entry = pcall(cjson.decode, held)
  if ok and type(entry) == 'table' and entry.nodeId ~= ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;

// Delete only the caller's own entry.
const WITHDRAW = `
local held = redis.call('GET', KEYS[1])
if not held then return 0 end
local ok, entry = pcall(cjson.decode, held)
if ok and type(entry) == 'table' and entry.nodeId == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface RegistryCommands {
  rtmpAnnounce(key: string, value: string, nodeId: string, ttlMs: number): Promise<number>;
  rtmpWithdraw(key: string, nodeId: string): Promise<number>;
}

/** An entry as stored, read back from anywhere: only a well-formed one counts. */
function parseEntry(stored: string | null): StreamRegistryEntry | undefined {
  if (stored === null) return undefined;
  try {
    const entry = JSON.parse(stored) as Partial<StreamRegistryEntry> | null;
    const { key, url, nodeId } = entry ?? {};
    return typeof key === 'string' && typeof url === 'string' && typeof nodeId === 'string'
      ? { key, url, nodeId }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `StreamRegistry` (from `@rtmp/server`) in Redis, for servers on several machines: one key per stream with a
 * time to live (`SET ... PX`), claimed and withdrawn by Lua scripts so that two nodes never both
 * hold a name. Commands fail at once while Redis is unreachable (no queue), so a node serves its
 * local streams meanwhile; the client reconnects by itself, and the server announces its streams
 * again at the next refresh.
 */
export class RedisStreamRegistry implements StreamRegistry {
  readonly #client: Redis & RegistryCommands;
  readonly #owned: boolean;
  readonly #prefix: string;

  /**
   * @param redis `redis://[user:password@]host:port[/db]`, or an `ioredis` client of your own (its
   *   options are yours: without `enableOfflineQueue: false` its commands wait while Redis is down).
   */
  constructor(redis: string | Redis, options: RedisStreamRegistryOptions = {}) {
    this.#owned = typeof redis === 'string';
    const client =
      typeof redis === 'string'
        ? new Redis(redis, {
            enableOfflineQueue: false,
            maxRetriesPerRequest: 0,
            retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
          })
        : redis;
    // Failures surface as rejected commands; the connection's own errors only mean "reconnecting".
    if (this.#owned) client.on('error', () => {});
    client.defineCommand('rtmpAnnounce', { numberOfKeys: 1, lua: ANNOUNCE });
    client.defineCommand('rtmpWithdraw', { numberOfKeys: 1, lua: WITHDRAW });
    this.#client = client as Redis & RegistryCommands;
    this.#prefix = options.prefix ?? REDIS_REGISTRY_DEFAULTS.prefix;
  }

  /** Resolves once connected (a new client connects in the background). */
  async ready(): Promise<void> {
    if (this.#client.status === 'ready') return;
    await new Promise<void>((resolve) => this.#client.once('ready', () => resolve()));
  }

  async announce(entry: StreamRegistryEntry, ttlMs: number): Promise<boolean> {
    const value = JSON.stringify({ key: entry.key, url: entry.url, nodeId: entry.nodeId });
    const claimed = await this.#client.rtmpAnnounce(
      this.#prefix + entry.key,
      value,
      entry.nodeId,
      Math.ceil(ttlMs),
    );
    return claimed === 1;
  }

  async withdraw(key: string, nodeId: string): Promise<void> {
    await this.#client.rtmpWithdraw(this.#prefix + key, nodeId);
  }

  async lookup(key: string): Promise<StreamRegistryEntry | undefined> {
    return parseEntry(await this.#client.get(this.#prefix + key));
  }

  /** Closes the connection it opened (a client passed in is left to its owner). */
  async close(): Promise<void> {
    if (!this.#owned) return;
    await this.#client.quit().catch(() => this.#client.disconnect());
  }
}

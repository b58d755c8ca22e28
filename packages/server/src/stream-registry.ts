/** Where a published stream lives: which node publishes it, and the URL other nodes pull it from. */
export interface StreamRegistryEntry {
  /** The stream's key, `app/name`. */
  readonly key: string;
  /** `rtmp://host:port/app/name`: where other nodes play it. */
  readonly url: string;
  /** The node that publishes it. */
  readonly nodeId: string;
}

/**
 * The map of published streams shared by the nodes (servers, worker processes) of a deployment:
 * each node announces what it publishes, refreshes it while it lasts (an entry not refreshed within
 * its time to live disappears, so a dead node's streams do), and looks up what it does not have.
 * A publish collision across nodes is decided here: one node holds a key at a time.
 */
export interface StreamRegistry {
  /**
   * Claims `entry.key` for `entry.nodeId` for `ttlMs` (or refreshes the claim): true when the node
   * holds it now, false when another node does. Atomic: two nodes never both get true.
   */
  announce(entry: StreamRegistryEntry, ttlMs: number): Promise<boolean>;
  /** Gives up `key` if `nodeId` holds it (another node's claim is left alone). */
  withdraw(key: string, nodeId: string): Promise<void>;
  /** Who holds `key`, if anyone does. */
  lookup(key: string): Promise<StreamRegistryEntry | undefined>;
}

/**
 * A {@link StreamRegistry} in this process's memory: for several servers in one process (tests, an
 * embedding application) and for a cluster's primary, which holds the map for its workers.
 */
export class MemoryStreamRegistry implements StreamRegistry {
  readonly #entries = new Map<string, { entry: StreamRegistryEntry; expires: number }>();
  /** When expired entries are next swept (those nobody looks up again would stay otherwise). */
  #nextSweep = 0;

  /** Entries held now, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  async announce(entry: StreamRegistryEntry, ttlMs: number): Promise<boolean> {
    this.#sweep();
    const held = await this.lookup(entry.key);
    if (held !== undefined && held.nodeId !== entry.nodeId) return false;
    this.#entries.set(entry.key, { entry: { ...entry }, expires: Date.now() + ttlMs });
    return true;
  }

  async withdraw(key: string, nodeId: string): Promise<void> {
    if (this.#entries.get(key)?.entry.nodeId === nodeId) this.#entries.delete(key);
  }

  async lookup(key: string): Promise<StreamRegistryEntry | undefined> {
    const held = this.#entries.get(key);
    if (held === undefined) return undefined;
    if (held.expires > Date.now()) return held.entry;
    this.#entries.delete(key); // expired: its node stopped refreshing it
    return undefined;
  }

  /** Drops expired entries, at most once a second. */
  #sweep(): void {
    const now = Date.now();
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 1000;
    for (const [key, { expires }] of this.#entries) if (expires <= now) this.#entries.delete(key);
  }
}

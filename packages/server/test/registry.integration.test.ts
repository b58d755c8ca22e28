// Nodes sharing a stream registry: publish on one, play from another (one pull per node), name
// collisions across nodes, a node that cannot be reached, a malformed entry, a registry that fails.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:net';
import { connect } from '@rtmp/client';
import {
  ClusterStreamRegistry,
  MemoryStreamRegistry,
  type RegistryStatus,
  type StreamRegistry,
  type StreamRegistryEntry,
} from '@rtmp/server';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { frame, frames, play, publishing, server } from './live-helpers';

const defer = deferCleanups(afterEach);

/** Two nodes on one registry (each advertises where it listens). */
async function twoNodes(registry: StreamRegistry = new MemoryStreamRegistry(), ttlMs = 600) {
  const a = await server({ registry: { registry, nodeId: 'a', ttlMs } });
  const b = await server({ registry: { registry, nodeId: 'b', ttlMs } });
  return { a, b, registry };
}

/** The registry channel's reports while a test runs. */
function registryReports(): RegistryStatus[] {
  const reports: RegistryStatus[] = [];
  const listener = (message: unknown) => reports.push(message as RegistryStatus);
  subscribe('rtmp:server:registry', listener);
  defer(() => unsubscribe('rtmp:server:registry', listener));
  return reports;
}

/** A registry whose every call can be made to fail, as a Redis that went away does. */
class FlakyRegistry implements StreamRegistry {
  down = false;
  constructor(readonly inner = new MemoryStreamRegistry()) {}
  #check(): void {
    if (this.down) throw new Error('connection refused');
  }
  async announce(entry: StreamRegistryEntry, ttlMs: number): Promise<boolean> {
    this.#check();
    return this.inner.announce(entry, ttlMs);
  }
  async withdraw(key: string, nodeId: string): Promise<void> {
    this.#check();
    return this.inner.withdraw(key, nodeId);
  }
  async lookup(key: string): Promise<StreamRegistryEntry | undefined> {
    this.#check();
    return this.inner.lookup(key);
  }
}

describe('MemoryStreamRegistry', () => {
  afterEach(() => vi.useRealTimers());

  it('one node holds a key; the holder refreshes it; it expires unless refreshed; only the holder withdraws it', async () => {
    vi.useFakeTimers();
    const registry = new MemoryStreamRegistry();
    const a = { key: 'live/cam', url: 'rtmp://a/live/cam', nodeId: 'a' };
    expect(await registry.announce(a, 1000)).toBe(true);
    expect(await registry.announce({ ...a, nodeId: 'b', url: 'rtmp://b/live/cam' }, 1000)).toBe(false);
    vi.advanceTimersByTime(900);
    expect(await registry.announce(a, 1000)).toBe(true); // refreshed
    vi.advanceTimersByTime(900);
    expect(await registry.lookup('live/cam')).toEqual(a);
    await registry.withdraw('live/cam', 'b');
    expect(await registry.lookup('live/cam')).toEqual(a);
    vi.advanceTimersByTime(100);
    expect(await registry.lookup('live/cam')).toBeUndefined(); // not refreshed for 1000 ms
    expect(await registry.announce({ ...a, nodeId: 'b' }, 1000)).toBe(true);
    await registry.withdraw('live/cam', 'b');
    expect(await registry.lookup('live/cam')).toBeUndefined();
  });

  it('expired entries nobody looks up again are swept, not kept', async () => {
    vi.useFakeTimers();
    const registry = new MemoryStreamRegistry();
    for (let i = 0; i < 100; i++)
      await registry.announce({ key: `live/${i}`, url: `rtmp://a/live/${i}`, nodeId: 'gone' }, 1000);
    expect(registry.size).toBe(100);
    vi.advanceTimersByTime(2000);
    await registry.announce({ key: 'live/new', url: 'rtmp://b/live/new', nodeId: 'b' }, 1000);
    expect(registry.size).toBe(1);
  });
});

describe('stream registry (nodes)', () => {
  it('publish on A, play from B: frames in order through one pull; stats name the node; A’s publisher leaving ends B’s players with StreamEOF', async () => {
    const { a, b, registry } = await twoNodes();
    const publisher = await publishing(`${a.url}/live`, 'cam');
    await waitFor(async () => (await registry.lookup('live/cam'))?.nodeId === 'a');
    expect((await registry.lookup('live/cam'))?.url).toBe(`${a.url}/live/cam`);
    const first = await play(`${b.url}/live`, 'cam');
    const second = await play(`${b.url}/live`, 'cam');
    await first.until((seen) => frames(seen).length >= 20);
    await second.until((seen) => frames(seen).length >= 10);
    for (const seen of [first.seen, second.seen]) {
      const got = frames(seen);
      expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i)); // none lost, in order
    }
    // One pull for both players: A has one player, B's.
    expect(a.server.stats()[0]).toMatchObject({ key: 'live/cam', players: 1, node: 'a' });
    expect(b.server.stats()[0]).toMatchObject({ key: 'live/cam', players: 2, node: 'a' });
    expect(b.server.stats()[0]!.relays?.[0]).toMatchObject({ direction: 'pull', state: 'live' });

    await publisher.stop();
    await first.until((seen) => seen.includes('NetStream.Play.UnpublishNotify'));
    expect(first.seen).toContain('eof');
    await waitFor(async () => (await registry.lookup('live/cam')) === undefined);
  });

  it('a player waiting on B for a stream nobody publishes yet gets it when A starts publishing it', async () => {
    const { a, b } = await twoNodes();
    const waiting = await play(`${b.url}/live`, 'cam');
    const publisher = await publishing(`${a.url}/live`, 'cam');
    await waiting.until((seen) => frames(seen).length >= 10);
    const got = frames(waiting.seen);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i));
    await publisher.stop();
  });

  it('a name A publishes is refused on B (BadName), and B may publish it once A has let go', async () => {
    const { a, b, registry } = await twoNodes();
    const publisher = await publishing(`${a.url}/live`, 'cam');
    await waitFor(async () => (await registry.lookup('live/cam')) !== undefined);
    const second = await connect(`${b.url}/live`);
    defer(() => second.close());
    await expect(second.publish('cam')).rejects.toMatchObject({
      code: 'CLIENT_PUBLISH_REJECTED',
      statusCode: 'NetStream.Publish.BadName',
      description: 'live/cam is already published on node a',
    });
    await publisher.stop();
    await waitFor(async () => (await registry.lookup('live/cam')) === undefined);
    const third = await publishing(`${b.url}/live`, 'cam');
    await waitFor(async () => (await registry.lookup('live/cam'))?.nodeId === 'b');
    await third.stop();
  });

  it('a node that closes without withdrawing: the pulling node’s players end, and its entries expire after the TTL', async () => {
    const { a, b, registry } = await twoNodes(new MemoryStreamRegistry(), 600);
    await publishing(`${a.url}/live`, 'cam');
    const player = await play(`${b.url}/live`, 'cam');
    await player.until((seen) => frames(seen).length >= 5);
    // A stops refreshing and its connections die at once, as a SIGKILLed process's do.
    (a.server as unknown as { registry: { close(): Promise<void> } }).registry.close = async () => {};
    const killed = a.server.close();
    await player.until((seen) => seen.includes('eof') || seen.includes('NetStream.Play.UnpublishNotify'));
    await killed;
    await waitFor(async () => (await registry.lookup('live/cam')) === undefined, 3000);
  });

  it('an entry pointing at a dead node: the player gets StreamNotFound, and the next players do not retry it', async () => {
    const registry = new MemoryStreamRegistry();
    let attempts = 0;
    const dead = createServer((socket) => {
      attempts++;
      socket.destroy(); // accepts and hangs up, as a dying node does
    });
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    defer(() => new Promise<void>((resolve) => dead.close(() => resolve())));
    const { port } = dead.address() as { port: number };
    await registry.announce(
      { key: 'live/cam', url: `rtmp://127.0.0.1:${port}/live/cam`, nodeId: 'gone' },
      60_000,
    );
    const b = await server({
      registry: { registry, nodeId: 'b' },
      relay: { minDelayMs: 10, maxDelayMs: 20 },
    });
    for (let i = 0; i < 3; i++) {
      const connection = await connect(`${b.url}/live`);
      defer(() => connection.close());
      await expect(connection.play('cam')).rejects.toMatchObject({
        statusCode: 'NetStream.Play.StreamNotFound',
        description: 'live/cam is published on node gone, which cannot be reached',
      });
    }
    expect(attempts).toBe(3); // one pull's three attempts, not three per player
    expect(b.server.stats()).toEqual([]); // nothing left behind
  });

  it('a malformed entry (not an RTMP URL) is StreamNotFound too, and the server goes on', async () => {
    const registry = new MemoryStreamRegistry();
    await registry.announce({ key: 'live/cam', url: 'http://nowhere', nodeId: 'odd' }, 60_000);
    const b = await server({ registry: { registry, nodeId: 'b' } });
    const connection = await connect(`${b.url}/live`);
    defer(() => connection.close());
    await expect(connection.play('cam')).rejects.toMatchObject({
      statusCode: 'NetStream.Play.StreamNotFound',
      description: 'the registry\'s entry for live/cam is malformed (url "http://nowhere")',
    });
    const publisher = await publishing(`${b.url}/live`, 'other');
    await waitFor(async () => (await registry.lookup('live/other'))?.nodeId === 'b');
    await publisher.stop();
  });

  it('a registry that fails: local streams go on, it is reported once, and entries are announced again when it returns', async () => {
    const reports = registryReports();
    const registry = new FlakyRegistry();
    const { a, b } = await twoNodes(registry, 300);
    registry.down = true;
    const publisher = await publishing(`${a.url}/live`, 'cam');
    const local = await play(`${a.url}/live`, 'cam');
    await local.until((seen) => frames(seen).length >= 5);
    await waitFor(() => a.server.registryStatus?.state === 'unreachable');
    expect(a.server.registryStatus?.error).toBe('connection refused');
    const down = reports.filter((status) => status.nodeId === 'a' && status.state === 'unreachable');
    expect(down).toHaveLength(1);
    registry.down = false;
    await waitFor(async () => (await registry.inner.lookup('live/cam'))?.nodeId === 'a');
    expect(a.server.registryStatus?.state).toBe('ok');
    const remote = await play(`${b.url}/live`, 'cam');
    await remote.until((seen) => frames(seen).length >= 5);
    await publisher.stop();
  });

  it('a name another node claimed between the check and the claim: this publisher is closed with SERVER_REGISTRY_CONFLICT', async () => {
    const errors: { error: { code: string; message: string } }[] = [];
    const listener = (message: unknown) => errors.push(message as (typeof errors)[number]);
    subscribe('rtmp:server:error', listener);
    defer(() => unsubscribe('rtmp:server:error', listener));
    // The lookup says nobody holds it; the claim finds another node got there first.
    const racing: StreamRegistry = {
      lookup: async () => undefined,
      announce: async () => false,
      withdraw: async () => {},
    };
    const a = await server({ registry: { registry: racing, nodeId: 'a' } });
    const connection = await connect(`${a.url}/live`);
    defer(() => connection.close());
    const publisher = await connection.publish('cam');
    await publisher.writeVideo(0, frame(0));
    await waitFor(() => errors.some(({ error }) => error.code === 'SERVER_REGISTRY_CONFLICT'));
    expect(errors.find(({ error }) => error.code === 'SERVER_REGISTRY_CONFLICT')!.error.message).toBe(
      'live/cam is published on another node, which claimed it first: this publisher is closed',
    );
    await connection.closed;
    expect(a.server.stats()).toEqual([]);
  });
});

describe('ClusterStreamRegistry', () => {
  it('outside a node:cluster worker is local misuse: SERVER_INVALID_STATE', () => {
    expect(() => new ClusterStreamRegistry()).toThrow(
      expect.objectContaining({ code: 'SERVER_INVALID_STATE' }),
    );
  });
});

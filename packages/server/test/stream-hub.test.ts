import type { RawMessage } from '@rtmp/chunk';
import { mediaInfo } from '@rtmp/messages';
import { describe, expect, it } from 'vitest';
import type { RequestInfo } from '../src/hooks';
import { StreamHub } from '../src/stream-hub';
import type { Subscriber } from '../src/subscriber';

// The stream hub without sockets: publishers, subscribers of any encoding, the join sequence,
// fan-out with one encoding per distinct key, and the one admission policy.

const OPTIONS = {
  gopCacheMaxMessages: 100,
  gopCacheMaxBytes: 1 << 20,
  maxTracksPerStream: 16,
  maxPlayerQueueBytes: 1000,
  maxPlayerQueueDelayMs: 10_000,
  playerDrainTimeoutMs: 30_000,
};

const message = (typeId: number, payload: number[], timestamp = 0): RawMessage => ({
  typeId,
  streamId: 1,
  timestamp,
  payload: Uint8Array.from(payload),
});
const KEYFRAME = message(9, [0x17, 1, 0, 0, 0, 0xaa]);
const INTER = (timestamp: number) => message(9, [0x27, 1, 0, 0, 0, timestamp & 0xff], timestamp);
const AVC_CONFIG = message(9, [0x17, 0, 0, 0, 0, 1]);

/** A subscriber that records what it is given; `encoding` groups it; `queued` is its queue. */
class Recorder implements Subscriber<string> {
  waitingForKeyframe = false;
  paused = false;
  audioOff = false;
  videoOff = false;
  videoStarted: Set<number> | undefined = undefined;
  congestedSince: number | undefined = undefined;
  dropped = 0;
  queued = 0;
  closed = false;
  readonly delivered: { bytes: Uint8Array; batch: string }[] = [];
  readonly sent: RawMessage[] = [];
  readonly notices: string[] = [];
  encodes = 0;

  constructor(
    readonly encoding: number,
    readonly remoteAddress = '127.0.0.1',
  ) {}

  get queuedBytes(): number {
    return this.queued;
  }
  encode(raw: RawMessage): Uint8Array {
    this.encodes++;
    return Uint8Array.from([this.encoding, ...raw.payload]);
  }
  readQueue(_now: number, queue: { bytes: number; backlogSince: number | undefined }): boolean {
    queue.bytes = this.queued;
    queue.backlogSince = undefined;
    return true;
  }
  deliver(bytes: Uint8Array, batch: string): void {
    this.delivered.push({ bytes, batch });
  }
  send(messages: readonly RawMessage[]): void {
    this.sent.push(...messages);
  }
  notify(event: 'unpublished' | 'published'): void {
    this.notices.push(event);
  }
  close(): void {
    this.closed = true;
  }
}

const info = (remoteAddress = '127.0.0.9') => ({ remoteAddress }) as RequestInfo;

function published() {
  const reports: string[] = [];
  const hub = new StreamHub<string, Recorder, string>(OPTIONS, {
    published: (key, address) => reports.push(`publish ${key} ${address}`),
    subscribed: (key, address) => reports.push(`play ${key} ${address}`),
  });
  const stream = hub.open('live/cam');
  hub.publish(
    stream,
    { connection: 'a', streamId: 1, info: info() },
    { replace: false, currentMoving: false },
  );
  const publish = (raw: RawMessage, now = 0) => {
    const media = mediaInfo(raw);
    stream.add(raw, now, media);
    hub.fanOut(stream, raw, media, now, `batch@${now}`);
  };
  return { hub, stream, publish, reports };
}

describe('StreamHub', () => {
  it('encodes each message once per encoding and hands the same bytes to every subscriber of it', () => {
    const { hub, stream, publish } = published();
    const [a, b, c] = [new Recorder(1), new Recorder(1), new Recorder(2)];
    for (const subscriber of [a, b, c]) hub.subscribe(stream, subscriber);
    publish(AVC_CONFIG);
    publish(KEYFRAME, 40);
    expect(a.encodes + b.encodes).toBe(2); // one per message for encoding 1
    expect(c.encodes).toBe(2);
    expect(a.delivered.map((d) => d.bytes)).toEqual(b.delivered.map((d) => d.bytes));
    expect(a.delivered[1]!.bytes).toBe(b.delivered[1]!.bytes); // shared, not copied
    expect(c.delivered[1]!.bytes).toEqual(Uint8Array.from([2, ...KEYFRAME.payload]));
    expect(a.delivered.map((d) => d.batch)).toEqual(['batch@0', 'batch@40']);
  });

  it('a late subscriber starts with the join sequence: configuration, then the GOP from its keyframe', () => {
    const { hub, stream, publish, reports } = published();
    publish(AVC_CONFIG);
    publish(INTER(20)); // before any keyframe: not in the GOP
    publish(KEYFRAME, 40);
    publish(INTER(80), 80);
    const late = new Recorder(1, '127.0.0.5');
    hub.subscribe(stream, late);
    expect(late.sent).toEqual([AVC_CONFIG, KEYFRAME, INTER(80)]);
    expect(reports).toEqual(['publish live/cam 127.0.0.9', 'play live/cam 127.0.0.5']);
  });

  it('admits every subscriber by the one policy: a congested one drops and resumes at a keyframe, others are untouched', () => {
    const { hub, stream, publish } = published();
    const fast = new Recorder(1);
    const slow = new Recorder(1);
    hub.subscribe(stream, fast);
    hub.subscribe(stream, slow);
    publish(KEYFRAME);
    slow.queued = 5000; // over its 1000-byte budget
    publish(INTER(40), 40);
    slow.queued = 0;
    publish(INTER(80), 80); // still waiting for a keyframe
    publish({ ...KEYFRAME, timestamp: 120 }, 120);
    expect(fast.delivered).toHaveLength(4);
    expect(slow.delivered.map((d) => d.bytes[1])).toEqual([0x17, 0x17]);
    expect(slow.dropped).toBe(2);
    expect(stream.dropped).toBe(2);
    expect(hub.stats()[0]).toMatchObject({ key: 'live/cam', players: 2, dropped: 2 });
  });

  it('closes a subscriber over budget past the drain timeout', () => {
    const { hub, stream, publish } = published();
    const stuck = new Recorder(1);
    hub.subscribe(stream, stuck);
    publish(KEYFRAME);
    stuck.queued = 5000;
    publish(INTER(40), 1000);
    expect(stuck.closed).toBe(false);
    publish(INTER(80), 1000 + OPTIONS.playerDrainTimeoutMs + 1);
    expect(stuck.closed).toBe(true);
  });

  it('one publisher per stream: a second loses, a replacement takes over silently, a moving one gets a successor', () => {
    const { hub, stream } = published();
    const player = new Recorder(1);
    hub.subscribe(stream, player);
    const second = { connection: 'b', streamId: 1, info: info() };
    expect(hub.publish(stream, second, { replace: false, currentMoving: false })).toEqual({
      outcome: 'lost',
    });
    expect(hub.publish(stream, second, { replace: true, currentMoving: false })).toMatchObject({
      outcome: 'published',
      replaced: { connection: 'a' },
    });
    expect(player.notices).toEqual([]); // players keep playing across a replacement
    const third = { connection: 'c', streamId: 1, info: info() };
    expect(hub.publish(stream, third, { replace: false, currentMoving: true })).toEqual({
      outcome: 'successor',
    });
    expect(hub.takeOver(stream)?.connection).toBe('b');
    expect(stream.publisher?.connection).toBe('c');
  });

  it('unpublish tells subscribers and clears the cache; the stream is forgotten when nobody is left', () => {
    const { hub, stream, publish } = published();
    const player = new Recorder(1);
    hub.subscribe(stream, player);
    publish(KEYFRAME);
    expect(hub.unpublish(stream, 'a', 1)).toBe(true);
    expect(player.notices).toEqual(['unpublished']);
    expect(stream.cache.joinSequence()).toEqual([]);
    expect(hub.streams.has('live/cam')).toBe(true); // a player still waits for it
    hub.publish(
      stream,
      { connection: 'b', streamId: 1, info: info() },
      { replace: false, currentMoving: false },
    );
    expect(player.notices).toEqual(['unpublished', 'published']);
    hub.unpublish(stream, 'b', 1);
    hub.unsubscribe(stream, player);
    expect(hub.streams.has('live/cam')).toBe(false);
  });

  it("a moving publisher's successor that leaves first changes nothing; a moving publisher that leaves hands over", () => {
    const { hub, stream } = published();
    const successor = { connection: 'b', streamId: 2, info: info() };
    hub.publish(stream, successor, { replace: false, currentMoving: true });
    expect(hub.unpublish(stream, 'b', 2)).toBe(false);
    expect(stream.publisher?.connection).toBe('a');
    hub.publish(stream, successor, { replace: false, currentMoving: true });
    expect(hub.unpublish(stream, 'a', 1)).toBe(false);
    expect(stream.publisher?.connection).toBe('b');
  });
});

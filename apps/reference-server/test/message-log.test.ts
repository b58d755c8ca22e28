import { createHash } from 'node:crypto';
import type { RawMessage } from '@rtmp/chunk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MESSAGE_LOG_BYTES, MESSAGE_SUMMARY_BYTES, MessageLog } from '../src/message-log';

const video = (timestamp: number, size = 10): RawMessage => ({
  typeId: 9,
  streamId: 1,
  timestamp,
  payload: new Uint8Array(size).fill(timestamp & 0xff),
});
const timestamps = (log: MessageLog, key: string) => log.get(key)?.media.map((m) => m.timestamp);

describe('MessageLog', () => {
  it('keeps a summary per message by default: type, stream id, timestamp, size and the MD5 of the payload', () => {
    const log = new MessageLog({}, () => {});
    log.started('live/a');
    const message = video(40, 1000);
    log.add('live/a', message);
    expect(log.maxBytes).toBe(DEFAULT_MESSAGE_LOG_BYTES);
    expect(log.get('live/a')?.media).toEqual([
      {
        typeId: 9,
        streamId: 1,
        timestamp: 40,
        size: 1000,
        md5: createHash('md5').update(message.payload).digest('hex'),
      },
    ]);
    expect(log.bytes).toBe(MESSAGE_SUMMARY_BYTES);
  });

  it('drops the oldest message of any stream first when the budget is reached, and says so once', () => {
    let drops = 0;
    const log = new MessageLog({ maxBytes: 5 * MESSAGE_SUMMARY_BYTES }, () => drops++);
    log.started('live/a');
    log.started('live/b');
    for (const t of [0, 40, 80]) log.add('live/a', video(t));
    for (const t of [10, 50]) log.add('live/b', video(t));
    expect(drops).toBe(0);
    log.add('live/b', video(90));
    log.add('live/a', video(120));
    expect(timestamps(log, 'live/a')).toEqual([80, 120]);
    expect(timestamps(log, 'live/b')).toEqual([10, 50, 90]);
    expect(log.count).toBe(5);
    expect(log.bytes).toBe(5 * MESSAGE_SUMMARY_BYTES);
    expect(drops).toBe(1);
  });

  it('counts payloads in the budget when it keeps them, and returns copies of them', () => {
    const log = new MessageLog({ maxBytes: 2 * (MESSAGE_SUMMARY_BYTES + 100), payloads: true }, () => {});
    log.started('live/a');
    const first = video(0, 100);
    log.add('live/a', first);
    first.payload.fill(0xee); // the publisher's buffer is reused: the log must not change with it
    log.add('live/a', video(40, 100));
    log.add('live/a', video(80, 100));
    expect(timestamps(log, 'live/a')).toEqual([40, 80]);
    expect(log.get('live/a')?.media[0]?.payload).toEqual(new Uint8Array(100).fill(40));
    expect(log.bytes).toBe(2 * (MESSAGE_SUMMARY_BYTES + 100));
  });

  it('does not keep a message larger than the whole budget, and drops nothing else for it', () => {
    let drops = 0;
    const log = new MessageLog({ maxBytes: MESSAGE_SUMMARY_BYTES + 50, payloads: true }, () => drops++);
    log.started('live/a');
    log.add('live/a', video(0, 50));
    log.add('live/a', video(40, 51));
    expect(timestamps(log, 'live/a')).toEqual([0]);
    expect(drops).toBe(1);
  });

  it('forgets an ended stream once its last message is dropped, and keeps a live one that has none left', () => {
    const log = new MessageLog({ maxBytes: 2 * MESSAGE_SUMMARY_BYTES }, () => {});
    log.started('live/old');
    log.add('live/old', video(0));
    log.ended('live/old');
    log.started('live/new');
    log.add('live/new', video(0));
    log.add('live/new', video(40));
    expect([...log.keys()]).toEqual(['live/new']);
    log.started('live/quiet');
    log.add('live/new', video(80));
    expect([...log.keys()]).toEqual(['live/new', 'live/quiet']);
    expect(log.get('live/quiet')).toEqual({ metadata: undefined, media: [] });
  });

  it('a republish starts afresh; the earlier publish only drains from the budget', () => {
    const log = new MessageLog({ maxBytes: 3 * MESSAGE_SUMMARY_BYTES }, () => {});
    log.started('live/a');
    log.add('live/a', video(0));
    log.add('live/a', video(40));
    log.ended('live/a');
    log.started('live/a');
    log.metadata('live/a', { width: 1920 });
    log.add('live/a', video(1000));
    log.add('live/a', video(1040));
    expect(log.get('live/a')).toMatchObject({ metadata: { width: 1920 } });
    expect(timestamps(log, 'live/a')).toEqual([1000, 1040]);
    expect(log.count).toBe(3); // one of the earlier publish's messages made room
  });

  it('stays within its budget over a long run of many streams, compacting as it drops', () => {
    const log = new MessageLog({ maxBytes: 1000 * MESSAGE_SUMMARY_BYTES }, () => {});
    for (let s = 0; s < 10; s++) log.started(`live/${s}`);
    for (let i = 0; i < 50_000; i++) log.add(`live/${i % 10}`, video(i));
    expect(log.count).toBe(1000);
    expect(log.bytes).toBe(1000 * MESSAGE_SUMMARY_BYTES);
    expect(timestamps(log, 'live/3')).toEqual(Array.from({ length: 100 }, (_, i) => 49_003 + 10 * i));
  });
});

import { describe, expect, it } from 'vitest';
import { CONNECTION_LOG_CONNECTIONS, CONNECTION_LOG_MEDIA, ConnectionLog } from '../src/connection-log';

const command = (name: string) => ({
  type: 'command' as const,
  streamId: 0,
  timestamp: 0,
  name,
  transactionId: 1,
  commandObject: { app: 'live', key: new Uint8Array(3) },
  args: ['x'.repeat(1000)],
  form: 'amf0' as const,
});
const video = (timestamp: number) => ({
  type: 'video' as const,
  streamId: 1,
  timestamp,
  payload: new Uint8Array(10),
});

describe('ConnectionLog: what the console shows of a connection', () => {
  it('keeps the commands however much media follows, the latest media, in the order sent; bounded', () => {
    const log = new ConnectionLog();
    log.add(1, command('connect'));
    log.add(1, command('publish'));
    for (let i = 0; i < 1000; i++) log.add(1, video(i));
    const kept = log.get(1)!;
    expect(kept.slice(0, 2).map((m) => m.name)).toEqual(['connect', 'publish']);
    expect(kept.slice(2).map((m) => m.timestamp)).toEqual(
      Array.from({ length: CONNECTION_LOG_MEDIA }, (_, i) => 1000 - CONNECTION_LOG_MEDIA + i),
    );
    expect(kept[0]!.args!.length).toBeLessThanOrEqual(301);
    expect(kept[0]!.args).toContain('<3 bytes>');
    expect(kept[2]).toMatchObject({ type: 'video', size: 10 });
    for (let id = 2; id <= CONNECTION_LOG_CONNECTIONS + 1; id++) log.add(id, command('connect'));
    expect(log.get(1)).toBeUndefined(); // the oldest connection went first
    expect(log.get(CONNECTION_LOG_CONNECTIONS + 1)).toHaveLength(1);
  });
});

import { ChunkEncoder } from '@rtmp/chunk';
import { connect, type PlayerEvent } from '@rtmp/client';
import { encodeMessage } from '@rtmp/messages';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedClient } from './hostile-client';
import { startServer } from './start-server';

// A Wowza-style publisher (or an FMS relay) that sends its media in aggregate messages (type 22).

const defer = deferCleanups(afterEach);
const sub = (typeId: number, timestamp: number, bytes: number[]) => ({
  typeId,
  streamId: 0,
  timestamp,
  payload: Uint8Array.from(bytes),
});

describe('aggregate messages from a publisher', () => {
  it('are split into their audio, video and data messages, timestamps as the spec says, fanned out and observed like any media', async () => {
    const observed: Array<[number, number]> = [];
    const { server, url, port } = await startServer(defer, {
      observe: { message: (_key, message) => observed.push([message.typeId, message.timestamp]) },
    });
    const viewer = await connect(url, { player: true });
    defer(() => viewer.close());
    const player = await viewer.play('wowza');
    const seen: Array<[string, number]> = [];
    void (async () => {
      for await (const event of player as AsyncIterable<PlayerEvent>)
        if (
          event.type !== 'status' &&
          event.type !== 'stream' &&
          !(event.type === 'data' && event.name === '|RtmpSampleAccess')
        )
          seen.push([event.type === 'data' ? event.name : event.type, event.timestamp]);
    })();

    const publisher = await scriptedClient(port, url, 'wowza', 'publish');
    defer(() => publisher.socket.destroy());
    // An encoder of its own on a chunk stream the session does not use, at the chunk size the session announced.
    const encoder = new ChunkEncoder();
    encoder.setChunkSize(4096);
    const aggregate = (timestamp: number, messages: ReturnType<typeof sub>[]) =>
      publisher.socket.write(
        Buffer.concat(
          encoder.encode(
            encodeMessage({ type: 'aggregate', streamId: publisher.streamId, timestamp, messages }),
            9,
          ),
        ),
      );
    // Sub-message times are offsets from the first: 7000 in the aggregate becomes 0, and so on.
    const metadata = [0x02, 0, 10, ...Buffer.from('onMetaData'), 0x03, 0, 0, 9];
    aggregate(0, [
      sub(18, 7000, metadata),
      sub(9, 7000, [0x17, 0, 0, 0, 0, 1]),
      sub(8, 7000, [0xaf, 0, 0x12, 0x10]),
      sub(9, 7000, [0x17, 1, 0, 0, 0, 0x65]),
      sub(8, 7021, [0xaf, 1, 0x21]),
    ]);
    aggregate(40, [sub(9, 9040, [0x27, 1, 0, 0, 0, 0x41]), sub(8, 9042, [0xaf, 1, 0x22])]);
    await waitFor(() => seen.length === 7);
    expect(seen).toEqual([
      ['onMetaData', 0],
      ['video', 0],
      ['audio', 0],
      ['video', 0],
      ['audio', 21],
      ['video', 40],
      ['audio', 42],
    ]);
    expect(observed).toEqual([
      [18, 0],
      [9, 0],
      [8, 0],
      [9, 0],
      [8, 21],
      [9, 40],
      [8, 42],
    ]);
    expect(server.stats()[0]).toMatchObject({ key: 'live/wowza', messages: 7 });
  });

  it('one whose sub-message size overruns it is dropped whole (a typed MessageError inside), the stream goes on', async () => {
    const { server, url, port } = await startServer(defer);
    const publisher = await scriptedClient(port, url, 'bad', 'publish');
    defer(() => publisher.socket.destroy());
    const encoder = new ChunkEncoder();
    encoder.setChunkSize(4096);
    const good = encodeMessage({
      type: 'aggregate',
      streamId: publisher.streamId,
      timestamp: 0,
      messages: [sub(9, 0, [0x17, 1, 0, 0, 0, 1])],
    });
    const broken = {
      ...good,
      payload: Uint8Array.from([...good.payload.subarray(0, 3), 0xff, ...good.payload.subarray(4)]),
    };
    for (const raw of [broken, good]) publisher.socket.write(Buffer.concat(encoder.encode(raw, 9)));
    await waitFor(() => server.stats().some((s) => s.key === 'live/bad' && s.messages === 1));
    expect(publisher.socket.destroyed).toBe(false);
  });
});

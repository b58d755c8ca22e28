// A publish longer than the 32-bit byte counter (adversarial plan F13), over a loopback socket.
import { once } from 'node:events';
import { RtmpServer } from '@rtmp/server';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedClient } from './hostile-client';

const defer = deferCleanups(afterEach);

describe('a publish past 4 GiB', () => {
  it('F13: 5 GiB on one connection: an acknowledgement every window, right across the 2^32 wrap', async () => {
    const window = 5_000_000; // the server's default Window Acknowledgement Size, as nginx-rtmp's
    const server = new RtmpServer({ port: 0, windowAcknowledgementSize: window });
    const { url, port } = await server.listen();
    defer(() => server.close());
    const client = await scriptedClient(port, `${url}/live`, 'big', 'publish');
    defer(() => client.socket.destroy());
    client.socket.removeAllListeners('data');
    const acks: number[] = [];
    client.socket.on('data', (bytes: Buffer) => {
      const output = client.session.receive(bytes);
      for (const piece of output.send) client.socket.write(piece); // at a message boundary: ours are whole
      for (const event of output.events)
        if (event.type === 'acknowledgement') acks.push(event.sequenceNumber);
    });

    // 1 MiB keyframes, 40 ms apart. After two messages the encoder has nothing left to say but
    // fmt-3 headers, so every further message is the same bytes: write those over and over.
    const payload = new Uint8Array(1 << 20).fill(0x5a);
    payload[0] = 0x17;
    payload[1] = 1;
    const encode = (i: number) =>
      Buffer.concat(client.session.writeMedia(client.streamId, 'video', i * 40, payload));
    for (let i = 0; i < 3; i++) client.socket.write(encode(i));
    const steady = encode(3);
    expect(steady[0]! >> 6).toBe(3);
    expect(encode(4).equals(steady)).toBe(true);
    client.socket.write(Buffer.concat([steady, steady]));
    const block = Buffer.concat(Array.from({ length: 16 }, () => steady));
    const total = 5 * 2 ** 30;
    while (client.socket.bytesWritten + client.socket.writableLength < total) {
      if (!client.socket.write(block)) await once(client.socket, 'drain');
    }

    // The server counts every byte it reads, so its acknowledgements run up to what we wrote.
    const unwrapped = () => {
      let wraps = 0;
      return acks.map((ack, i) => {
        if (i > 0 && ack < acks[i - 1]!) wraps++;
        return wraps * 2 ** 32 + ack;
      });
    };
    const written = client.socket.bytesWritten + client.socket.writableLength;
    await waitFor(() => (unwrapped().at(-1) ?? 0) > written - 2 * window, 60_000);
    const sequence = unwrapped();
    expect(sequence.at(-1)! - acks.at(-1)!).toBe(2 ** 32); // wrapped once, modulo 2^32 on the wire
    expect(acks.every((ack) => ack >= 0 && ack < 2 ** 32)).toBe(true);
    // Never starved: one per window all the way, none skipped at the wrap (each gap is a window
    // plus at most one socket read).
    const gaps = sequence.slice(1).map((value, i) => value - sequence[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(window);
    expect(Math.max(...gaps)).toBeLessThan(window + 1024 * 1024);
    expect(acks.length).toBeGreaterThanOrEqual(Math.floor(total / (window + 1024 * 1024)));
    expect(server.stats()[0]).toMatchObject({ key: 'live/big', publishing: true });
    expect(server.stats()[0]!.bytes).toBeGreaterThan(total - 2 * window);
    expect(client.socket.destroyed).toBe(false);
  }, 120_000);
});

import { createServer, type Socket } from 'node:net';
import { ChunkDecoder } from '@rtmp/chunk';
import { connect, type RtmpClientError } from '@rtmp/client';
import {
  buildStatus,
  type CommandMessage,
  command,
  decodeMessage,
  encodeMessage,
  type RtmpMessage,
  StatusCode,
} from '@rtmp/messages';
import { ServerSession } from '@rtmp/server';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './start-server';

// The client's generic calls both ways and its connection events, against RtmpServer and against a
// server built on the sans-IO ServerSession that calls the client itself.

const defer = deferCleanups(afterEach);
const HANDSHAKE_BYTES = 1 + 1536 + 1536; // C0, C1, C2

/**
 * A one-connection server on ServerSession that accepts the connect; when the client calls
 * `ready`, it runs `script`. Every command the client sends is also decoded on the side into
 * `received` (the session itself does not report answers to the server's own calls).
 */
async function scriptedServer(script: (send: (message: RtmpMessage) => void) => void) {
  const received: CommandMessage[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const session = new ServerSession();
    const side = new ChunkDecoder();
    let skipped = 0;
    // Commands on chunk stream 3, from the session's own encoder (its chunk size, its header state).
    const send = (message: RtmpMessage) => {
      for (const piece of session.encoder.encode(encodeMessage(message), 3)) socket.write(piece);
    };
    socket.on('data', (bytes: Buffer) => {
      const skip = Math.min(bytes.length, HANDSHAKE_BYTES - skipped);
      skipped += skip;
      for (const raw of side.decode(bytes.subarray(skip))) {
        const message = decodeMessage(raw);
        if (message.type !== 'command') continue;
        received.push(message);
        if (message.name === 'ready') script(send);
      }
      const out = session.receive(bytes);
      for (const piece of out.send) socket.write(piece);
      for (const event of out.events)
        if (event.type === 'connect-request')
          for (const piece of session.accept(event.requestId).send) socket.write(piece);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve(undefined)));
  });
  return { url: `rtmp://127.0.0.1:${(server.address() as { port: number }).port}/live`, received };
}

describe('client calls and connection events', () => {
  it("call() resolves with the _result values, and rejects on _error with the server's code (an unknown command is answered, not left waiting)", async () => {
    const { url } = await startServer(defer);
    const connection = await connect(url);
    defer(() => connection.close());
    expect(await connection.call('getStreamLength', [null, 'cam'])).toEqual([null, 0]);
    expect(await connection.call('_checkbw')).toEqual([null, null]);
    const error = (await connection
      .call('noSuchCommand', [1, 2])
      .catch((e: unknown) => e)) as RtmpClientError;
    expect(error).toMatchObject({
      code: 'CLIENT_COMMAND_FAILED',
      statusCode: StatusCode.CallFailed,
      description: 'no such command: noSuchCommand',
    });
    expect(await connection.call('getStreamLength', [null, 'cam'])).toEqual([null, 0]); // still usable
  });

  it("onCall answers the server's calls (_result, or _error when the handler throws or there is none); on() hears onStatus on the connection and unhandled calls", async () => {
    const { url, received } = await scriptedServer((send) => {
      send(command('whoAreYou', 5, null, ['asking']));
      send(command('explode', 6, null, []));
      send(command('nobodyHandlesThis', 7, null, ['x']));
      send(buildStatus(0, { level: 'status', code: 'NetConnection.Custom.Notice', description: 'hello' }));
    });
    const connection = await connect(url);
    defer(() => connection.close());
    const statuses: string[] = [];
    const unhandled: unknown[] = [];
    connection.onCall('whoAreYou', (question) => `${question}: a test client`);
    connection.onCall('explode', () => {
      throw new Error('kaboom');
    });
    connection.on('status', (info) => statuses.push(info.code));
    connection.on('command', (name, args) => unhandled.push([name, ...args]));
    await connection.call('ready').catch(() => {}); // the scripted server answers it with _error
    await waitFor(() => received.filter((c) => c.name === '_result' || c.name === '_error').length === 3);
    // Handlers may be async: answers come as they are ready, each with its transaction id.
    const answers = received
      .filter((c) => c.name === '_result' || c.name === '_error')
      .sort((a, b) => a.transactionId - b.transactionId);
    expect(answers.map((c) => [c.name, c.transactionId, c.args])).toEqual([
      ['_result', 5, ['asking: a test client']],
      ['_error', 6, [{ level: 'error', code: StatusCode.CallFailed, description: 'kaboom' }]],
      [
        '_error',
        7,
        [{ level: 'error', code: StatusCode.CallFailed, description: 'no method nobodyHandlesThis' }],
      ],
    ]);
    await waitFor(() => statuses.length === 1);
    expect(statuses).toEqual(['NetConnection.Custom.Notice']);
    expect(unhandled).toEqual([['nobodyHandlesThis', 'x']]);
  });
});

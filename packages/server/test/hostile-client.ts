// The hostile client of the adversarial tests (test-only, not published): raw TCP connections to
// an RTMP server that can send any bytes at any stage, drive a real session part of the way, stall
// their reads, or reset.
import { type Socket, connect as tcpConnect } from 'node:net';
import { ClientSession } from '@rtmp/client';

export interface RawConnection {
  readonly socket: Socket;
  /** Settles when the socket closes, whoever closed it. */
  readonly closed: Promise<void>;
}

/** A raw TCP connection: write anything (garbage, half a handshake), `pause()` it, reset it. */
export function rawConnection(port: number, host = '127.0.0.1', localAddress?: string): RawConnection {
  const socket = tcpConnect({ host, port, localAddress });
  socket.on('error', () => {}); // resets are what these tests are for
  return { socket, closed: new Promise((resolve) => socket.once('close', () => resolve())) };
}

export interface ScriptedClient extends RawConnection {
  readonly session: ClientSession;
  readonly streamId: number;
}

/**
 * Publishes or plays `name` over a raw connection driven by a {@link ClientSession} (from
 * `localAddress` if given, e.g. `127.0.0.2`); resolves once started, rejects with the session's
 * error when refused. Then the test owns the socket: write half a message with `session.writeMedia()`,
 * `socket.pause()` to stall, `socket.resetAndDestroy()` to cut.
 */
export async function scriptedClient(
  port: number,
  url: string,
  name: string,
  role: 'publish' | 'play',
  localAddress?: string,
): Promise<ScriptedClient> {
  const connection = rawConnection(port, new URL(url).hostname.replace(/^\[|\]$/g, ''), localAddress);
  const { socket } = connection;
  const session = new ClientSession({ url });
  const write = (pieces: Uint8Array[]) => {
    for (const piece of pieces) socket.write(piece);
  };
  const streamId = await new Promise<number>((resolve, reject) => {
    connection.closed.then(() => reject(new Error(`the server closed the connection before ${role}`)));
    socket.on('data', (bytes: Buffer) => {
      const out = session.receive(bytes);
      write(out.send);
      for (const event of out.events) {
        if (event.type === 'connected') write(session.createStream().send);
        if (event.type === 'stream-created') write(session[role](event.streamId, name).send);
        if (event.type === 'publish-started' || event.type === 'play-started') resolve(event.streamId);
        if (event.type === 'failed') {
          socket.destroy();
          reject(event.error);
        }
      }
    });
    socket.on('connect', () => write(session.start({ player: role === 'play' }).send));
  });
  return { ...connection, session, streamId };
}

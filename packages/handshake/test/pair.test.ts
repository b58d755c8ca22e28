// In-memory client ↔ server, every scheme combination, fed all at once and byte by byte.

import {
  ClientHandshake,
  HANDSHAKE_PACKET_SIZE,
  type HandshakeScheme,
  ServerHandshake,
} from '@rtmp/handshake';
import { describe, expect, it } from 'vitest';
import { concat, seededRandom } from './support';

/** Runs a whole handshake between the two, delivering each side's writes in `chunk`-byte pieces. */
function run(client: ClientHandshake, server: ServerHandshake, chunk: number, afterC2 = new Uint8Array(0)) {
  const pieces = (bytes: Uint8Array) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += chunk) out.push(bytes.subarray(i, i + chunk));
    return out;
  };
  let toServer = client.start();
  let serverAfter = new Uint8Array(0);
  let clientAfter = new Uint8Array(0);
  let c2Echo: Uint8Array | undefined;
  for (let turn = 0; turn < 4 && !(client.done && server.done); turn++) {
    let toClient = new Uint8Array(0);
    for (const piece of pieces(toServer)) {
      if (server.done) {
        serverAfter = concat(serverAfter, piece);
        continue;
      }
      const result = server.receive(piece);
      toClient = concat(toClient, ...result.send);
      if (result.status === 'done') serverAfter = concat(serverAfter, result.remaining);
    }
    toServer = new Uint8Array(0);
    for (const piece of pieces(toClient)) {
      if (client.done) {
        clientAfter = concat(clientAfter, piece);
        continue;
      }
      const result = client.receive(piece);
      toServer = concat(toServer, ...result.send);
      if (result.send.length > 0) c2Echo = result.send[0];
      if (result.status === 'done') {
        clientAfter = concat(clientAfter, result.remaining);
        // A client usually writes `connect` right behind C2, often in the same TCP segment.
        toServer = concat(toServer, afterC2);
      }
    }
  }
  return { serverAfter, clientAfter, c2: c2Echo };
}

const schemes: HandshakeScheme[] = ['simple', 'digest-8', 'digest-772'];

describe('client ↔ server in memory', () => {
  for (const scheme of schemes) {
    for (const serverDigest of [true, false]) {
      for (const chunk of [1, 7, 1537, 100_000]) {
        it(`client ${scheme}, server digest ${serverDigest ? 'on' : 'off'}, ${chunk}-byte pieces`, () => {
          const client = new ClientHandshake({ scheme, randomBytes: seededRandom(1), clock: () => 5 });
          const server = new ServerHandshake({
            digest: serverDigest,
            randomBytes: seededRandom(2),
            clock: () => 9,
          });
          const connect = Uint8Array.from(Buffer.from('030000000000431400000000020007636f6e6e656374', 'hex'));
          const { serverAfter, c2 } = run(client, server, chunk, connect);
          expect(client.done && server.done).toBe(true);
          const expected = serverDigest ? scheme : 'simple';
          expect(client.scheme).toBe(expected);
          expect(server.scheme).toBe(expected);
          // Bytes the client wrote after C2 reach the chunk stream intact.
          expect(serverAfter).toEqual(connect);
          expect(c2?.length).toBe(HANDSHAKE_PACKET_SIZE);
          expect(server.c2AnswersS1).toBe(true);
        });
      }
    }
  }

  it('reports a C2 that neither copies S1 nor is signed for it (and still completes)', () => {
    for (const digest of [true, false]) {
      const client = new ClientHandshake({ scheme: 'digest-8' });
      const server = new ServerHandshake({ digest });
      server.receive(client.start());
      expect(server.c2AnswersS1).toBeUndefined();
      const result = server.receive(new Uint8Array(HANDSHAKE_PACKET_SIZE).fill(7));
      expect(result.status).toBe('done');
      expect(server.c2AnswersS1).toBe(false);
    }
  });

  it('in the simple handshake C2 is an exact copy of S1', () => {
    const client = new ClientHandshake();
    const server = new ServerHandshake({ clock: () => 77 });
    const reply = server.receive(client.start()).send[0]!;
    const result = client.receive(reply);
    expect(result.status).toBe('done');
    expect(result.send[0]).toEqual(reply.subarray(1, 1 + HANDSHAKE_PACKET_SIZE));
  });

  it('C0+C1+C2 and connect in one write: the server hands the connect bytes over', () => {
    const client = new ClientHandshake();
    const server = new ServerHandshake();
    const c0c1 = client.start();
    // Compute C2 through a twin server so it can be pipelined with C0C1 in one buffer.
    const twin = new ServerHandshake({ randomBytes: seededRandom(3) });
    const s0s1s2 = twin.receive(c0c1).send[0]!;
    const c2 = client.receive(s0s1s2).send[0]!;
    const connect = Uint8Array.of(0x03, 1, 2, 3, 4);
    const result = server.receive(concat(c0c1, c2, connect));
    expect(result.status).toBe('done');
    expect(result.status === 'done' && result.remaining).toEqual(connect);
  });
});

// Cases B1-B10 of ../shared/adversarial-plan.md that apply to the state machines. Deadlines (B3),
// per-address caps (B8) and probes next to a live publish (B9) are the server's: the state machine
// makes them possible by never needing a timer and by failing on the first bad byte.

import {
  ClientHandshake,
  HANDSHAKE_PACKET_SIZE,
  HandshakeError,
  type HandshakeErrorCode,
  ServerHandshake,
} from '@rtmp/handshake';
import { describe, expect, it } from 'vitest';
import { digestPosition } from '../src/digest';
import { concat, cut, feed, seededRandom, vector } from './support';

function errorOf(run: () => unknown): HandshakeError {
  try {
    run();
  } catch (error) {
    if (HandshakeError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a HandshakeError');
}
const codeOf = (run: () => unknown): HandshakeErrorCode => errorOf(run).code;

describe('adversarial plan, section B (handshake)', () => {
  it('B1: RTMPE (turned off, or types 8/9), TLS, HTTP and 0x00 first bytes fail on the first byte, with a hint', () => {
    const off = errorOf(() => new ServerHandshake({ encryption: false }).receive(Uint8Array.of(6)));
    expect([off.code, off.probable]).toEqual(['HANDSHAKE_UNSUPPORTED_VERSION', 'rtmpe']);
    expect(off.message).toMatch(/RTMPE.*turned off/);
    const cases = [
      [0x08, 'rtmpe', /types 8 and 9/],
      [0x09, 'rtmpe', /types 8 and 9/],
      [0x16, 'tls', /TLS.*plain RTMP port/],
      [0x47, 'http', /HTTP/], // "GET /"
      [0x50, 'http', /HTTP/], // "POST"
      [0x00, 'unknown', /expected 0x03/],
    ] as const;
    for (const [byte, probable, message] of cases) {
      const error = errorOf(() => new ServerHandshake().receive(Uint8Array.of(byte)));
      expect(error.code).toBe('HANDSHAKE_UNSUPPORTED_VERSION');
      expect(error.probable).toBe(probable);
      expect(error.message).toMatch(message);
    }
    const http = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(errorOf(() => new ServerHandshake().receive(http)).probable).toBe('http');
  });

  it('B2: a C0C1 cut after 1, 100, 1536 or 1537 bytes: nothing is sent before 1537, S0S1S2 at 1537', () => {
    const c0c1 = new ClientHandshake().start();
    for (const length of [1, 100, 1536]) {
      const result = new ServerHandshake().receive(c0c1.subarray(0, length));
      expect(result).toEqual({ status: 'in-progress', send: [] });
    }
    const result = new ServerHandshake().receive(c0c1);
    expect(result.status).toBe('in-progress');
    expect(result.send[0]?.length).toBe(3073);
  });

  it('B3: one byte at a time keeps the state machine waiting (the deadline is the server’s, not a timer here)', () => {
    const server = new ServerHandshake();
    const c0c1 = new ClientHandshake().start();
    for (let i = 0; i < 1536; i++) expect(server.receive(c0c1.subarray(i, i + 1)).send).toEqual([]);
    expect(server.receive(c0c1.subarray(1536)).send.length).toBe(1);
  });

  it('B4: a non-zero version with no valid digest falls back to the simple handshake', () => {
    const c0c1 = concat(Uint8Array.of(3, 0, 0, 0, 0, 1, 2, 3, 4), seededRandom(9)(1528));
    const server = new ServerHandshake();
    const s2 = server.receive(c0c1).send[0]!.subarray(1 + HANDSHAKE_PACKET_SIZE);
    expect(server.scheme).toBe('simple');
    expect(s2).toEqual(c0c1.subarray(1));
  });

  it('B5: digest offset bytes of every value keep the digest inside its block', () => {
    const c1 = new Uint8Array(HANDSHAKE_PACKET_SIZE);
    for (let value = 0; value <= 255; value++) {
      c1.fill(value, 8, 12);
      c1.fill(value, 772, 776);
      expect(digestPosition(c1, 'digest-8')).toBeGreaterThanOrEqual(12);
      expect(digestPosition(c1, 'digest-8') + 32).toBeLessThanOrEqual(772);
      expect(digestPosition(c1, 'digest-772')).toBeGreaterThanOrEqual(776);
      expect(digestPosition(c1, 'digest-772') + 32).toBeLessThanOrEqual(HANDSHAKE_PACKET_SIZE);
      // And a whole server handshake on such a C1 (version set, digest invalid) still works.
      const c0c1 = concat(Uint8Array.of(3), c1);
      c0c1[5] = 9;
      expect(new ServerHandshake().receive(c0c1).send.length).toBe(1);
    }
  });

  it('B6: a C2 that does not echo S1 (random, zeros) is accepted by the server', () => {
    for (const c2 of [seededRandom(4)(HANDSHAKE_PACKET_SIZE), new Uint8Array(HANDSHAKE_PACKET_SIZE)]) {
      for (const scheme of ['simple', 'digest-8'] as const) {
        const server = new ServerHandshake();
        server.receive(new ClientHandshake({ scheme }).start());
        expect(server.receive(c2).status).toBe('done');
      }
    }
  });

  it('B7: C0C1C2 + connect in one write, and split at every byte, give the same result', () => {
    const client = new ClientHandshake({ scheme: 'digest-8', randomBytes: seededRandom(5) });
    const c0c1 = client.start();
    const reply = new ServerHandshake({ randomBytes: seededRandom(6) }).receive(c0c1).send[0]!;
    const c2 = client.receive(reply).send[0]!;
    const connect = Buffer.from('0300000000004f1400000000020007636f6e6e656374003ff0000000000000', 'hex');
    const stream = concat(c0c1, c2, connect);
    for (let at = 0; at <= stream.length; at++) {
      const server = new ServerHandshake({ randomBytes: seededRandom(6) });
      const result = feed(server, cut(stream, at));
      // Buffer.equals, not toEqual: a deep compare of 3 KB per split point is what makes this slow.
      expect(result.done && result.scheme === 'digest-8').toBe(true);
      expect(Buffer.from(result.after).equals(connect)).toBe(true);
      expect(Buffer.from(result.sent).equals(reply)).toBe(true);
    }
  });

  it('B10: client side: bad S0, short S1, wrong digest or signature', () => {
    const bad = new ClientHandshake();
    bad.start();
    expect(codeOf(() => bad.receive(Uint8Array.of(0x16)))).toBe('HANDSHAKE_UNSUPPORTED_VERSION');

    const short = new ClientHandshake();
    short.start();
    expect(short.receive(Uint8Array.of(3, 1, 2, 3))).toEqual({ status: 'in-progress', send: [] });

    // A server claiming the digest scheme (version byte ≥ 3) with garbage instead of a digest.
    const fake = concat(
      Uint8Array.of(3),
      Uint8Array.of(0, 0, 0, 0, 13, 14, 10, 13),
      seededRandom(7)(1528 + 1536),
    );
    const digestClient = new ClientHandshake({ scheme: 'digest-8' });
    digestClient.start();
    expect(codeOf(() => digestClient.receive(fake))).toBe('HANDSHAKE_BAD_DIGEST');

    // A real digest S1 followed by an S2 signed for someone else's C1.
    const nginxReply = vector('nginx-s0s1s2-for-ffmpeg.bin');
    const wrongC1 = new ClientHandshake({ scheme: 'digest-8', randomBytes: seededRandom(8) });
    wrongC1.start();
    expect(codeOf(() => wrongC1.receive(nginxReply))).toBe('HANDSHAKE_BAD_SIGNATURE');

    // Strict echo checking is opt-in, and only then fails.
    const reply = concat(Uint8Array.of(3), seededRandom(10)(2 * HANDSHAKE_PACKET_SIZE));
    const lenient = new ClientHandshake();
    lenient.start();
    expect(lenient.receive(reply).status).toBe('done');
    const strict = new ClientHandshake({ strict: true });
    strict.start();
    expect(codeOf(() => strict.receive(reply))).toBe('HANDSHAKE_ECHO_MISMATCH');
  });
});

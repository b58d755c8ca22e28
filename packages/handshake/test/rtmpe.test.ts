// RTMPE (handshake type 6): Diffie-Hellman keys in C1/S1, RC4 after the handshake. Checked against
// the published RC4 vectors, rtmpdump's C0C1, and our two roles against each other.
import {
  ClientHandshake,
  findDigest,
  HANDSHAKE_PACKET_SIZE,
  HandshakeError,
  ServerHandshake,
} from '@rtmp/handshake';
import { describe, expect, it } from 'vitest';
import { keyPosition, Rc4 } from '../src/rtmpe';
import { concat, seededRandom, vector } from './support';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const text = (value: string) => new TextEncoder().encode(value);
const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof HandshakeError) return error;
    throw error;
  }
  throw new Error('expected a HandshakeError');
};

describe('RC4', () => {
  it('gives the classic test vectors', () => {
    expect(hex(new Rc4(text('Key')).apply(text('Plaintext')))).toBe('bbf316e8d940af0ad3');
    expect(hex(new Rc4(text('Wiki')).apply(text('pedia')))).toBe('1021bf0420');
    expect(hex(new Rc4(text('Secret')).apply(text('Attack at dawn')))).toBe('45a01f645fc35b383552544b9bf5');
  });

  it('is one keystream across calls, however the input is split', () => {
    const whole = new Rc4(text('Key')).apply(text('Plaintext'));
    const split = new Rc4(text('Key'));
    expect(hex(concat(split.apply(text('Plai')), split.apply(text('ntext'))))).toBe(hex(whole));
  });
});

/** A full RTMPE handshake between our two roles; `after` goes with C2, encrypted, as one write. */
function handshake(after = new Uint8Array(0)) {
  const client = new ClientHandshake({ encrypted: true, randomBytes: seededRandom(1) });
  const server = new ServerHandshake({ randomBytes: seededRandom(2) });
  const c0c1 = client.start();
  const reply = server.receive(c0c1);
  if (reply.status !== 'in-progress') throw new Error('server finished early');
  const clientDone = client.receive(concat(...reply.send));
  if (clientDone.status !== 'done' || !clientDone.encryption) throw new Error('client not done');
  const serverDone = server.receive(concat(...clientDone.send, clientDone.encryption.encrypt(after)));
  if (serverDone.status !== 'done' || !serverDone.encryption) throw new Error('server not done');
  return { c0c1, reply: concat(...reply.send), client: clientDone.encryption, server: serverDone };
}

describe('RTMPE handshake, our client and our server', () => {
  it('C0 and S0 are 6; C1 and S1 carry valid digests and the keys where the scheme puts them', () => {
    const { c0c1, reply } = handshake();
    expect(c0c1[0]).toBe(6);
    expect(reply[0]).toBe(6);
    const c1 = c0c1.subarray(1);
    const s1 = reply.subarray(1, 1 + HANDSHAKE_PACKET_SIZE);
    expect(findDigest(c1, 'client')?.scheme).toBe('digest-772'); // FFmpeg's choice for RTMPE
    // S1 is laid out digest-8 whatever the client's scheme: FFmpeg publishing reads its key there.
    expect(findDigest(s1, 'server')?.scheme).toBe('digest-8');
    const clientKey = keyPosition(c1, 'digest-772');
    expect([clientKey >= 8, clientKey + 128 <= 772]).toEqual([true, true]); // apart from the digest block
    const serverKey = keyPosition(s1, 'digest-8');
    expect([serverKey >= 772, serverKey + 128 <= 1536]).toEqual([true, true]);
  });

  it('bytes that came with C2 are decrypted; then each side decrypts what the other encrypts', () => {
    const first = text('connect, sent with C2');
    const { client, server } = handshake(first);
    expect(hex(server.remaining)).toBe(hex(first));
    const toServer = text('createStream');
    const sealed = client.encrypt(toServer);
    expect(hex(sealed)).not.toBe(hex(toServer));
    expect(hex(server.encryption!.decrypt(sealed))).toBe(hex(toServer));
    const toClient = text('_result');
    expect(hex(client.decrypt(server.encryption!.encrypt(toClient)))).toBe(hex(toClient));
  });

  it('is deterministic for the same random source (the private key comes from it too)', () => {
    expect(hex(handshake().reply)).toBe(hex(handshake().reply));
  });
});

describe('RTMPE against rtmpdump’s C0C1', () => {
  const c0c1 = vector('rtmpdump-rtmpe-c0c1.bin');

  it('is type 6 with a digest C1, and our server answers it in its scheme with type 6 and a key', () => {
    expect(c0c1[0]).toBe(6);
    const found = findDigest(c0c1.subarray(1), 'client');
    expect(found).toBeDefined();
    const server = new ServerHandshake({ randomBytes: seededRandom() });
    const reply = server.receive(c0c1);
    const out = concat(...reply.send);
    expect(out[0]).toBe(6);
    expect(server.scheme).toBe(found!.scheme);
    expect(findDigest(out.subarray(1, 1 + HANDSHAKE_PACKET_SIZE), 'server')?.scheme).toBe('digest-8');
  });
});

describe('RTMPE refusals', () => {
  it('a C1 without a valid digest, and a public key out of range', () => {
    const noDigest = new Uint8Array(1 + HANDSHAKE_PACKET_SIZE);
    noDigest[0] = 6;
    noDigest[5] = 1;
    expect(errorOf(() => new ServerHandshake().receive(noDigest)).code).toBe('HANDSHAKE_BAD_DIGEST');

    // A client whose key is all zero bytes (a digest computed over it, so only the key is wrong).
    const client = new ClientHandshake({ encrypted: true, randomBytes: seededRandom(3) });
    const c0c1 = client.start();
    const c1 = c0c1.subarray(1);
    const at = keyPosition(c1, 'digest-772');
    c1.fill(0, at, at + 128);
    const resigned = new ClientHandshake({
      scheme: 'digest-772',
      randomBytes: () => c1.subarray(8).slice(),
    }).start();
    resigned[0] = 6;
    const error = errorOf(() => new ServerHandshake().receive(resigned));
    expect(error.code).toBe('HANDSHAKE_BAD_KEY');
  });

  it('a client asking for RTMPE refuses a server that answers with plain RTMP', () => {
    const client = new ClientHandshake({ encrypted: true });
    client.start();
    expect(errorOf(() => client.receive(Uint8Array.of(3))).message).toMatch(/does not encrypt/);
  });
});

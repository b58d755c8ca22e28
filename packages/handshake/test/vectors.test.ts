import { ClientHandshake, findDigest, HANDSHAKE_PACKET_SIZE, ServerHandshake } from '@rtmp/handshake';
import { describe, expect, it } from 'vitest';
import { SERVER_FULL_KEY, verifySecondPacket } from '../src/digest';
import { cut, feed, scriptedRandom, seededRandom, vector } from './support';

const ffmpegC0C1 = vector('ffmpeg-c0c1.bin');
const nginxReply = vector('nginx-s0s1s2-for-ffmpeg.bin');
const rtmpdumpC0C1 = vector('rtmpdump-c0c1.bin');
const c1Of = (c0c1: Uint8Array) => c0c1.subarray(1);
const split = (reply: Uint8Array) => ({
  s1: reply.subarray(1, 1 + HANDSHAKE_PACKET_SIZE),
  s2: reply.subarray(1 + HANDSHAKE_PACKET_SIZE),
});

describe('FFmpeg C0C1 (digest)', () => {
  it('validates as a digest at offset 8 signed with the player key', () => {
    expect(ffmpegC0C1[0]).toBe(3);
    expect([...c1Of(ffmpegC0C1).subarray(4, 8)]).toEqual([9, 0, 124, 2]);
    expect(findDigest(c1Of(ffmpegC0C1), 'client')?.scheme).toBe('digest-8');
    expect(findDigest(c1Of(ffmpegC0C1), 'server')).toBeUndefined();
  });

  it('our server answers it with a digest S1 in the same scheme and an S2 signed for its digest', () => {
    const server = new ServerHandshake({ randomBytes: seededRandom(), clock: () => 1234 });
    const result = server.receive(ffmpegC0C1);
    expect(result.status).toBe('in-progress');
    expect(server.scheme).toBe('digest-8');
    const [reply] = result.send;
    expect(reply?.length).toBe(1 + 2 * HANDSHAKE_PACKET_SIZE);
    const { s1, s2 } = split(reply!);
    expect(reply![0]).toBe(3);
    expect([...s1.subarray(0, 8)]).toEqual([0, 0, 0x04, 0xd2, 13, 14, 10, 13]);
    expect(findDigest(s1, 'server')?.scheme).toBe('digest-8');
    const c1Digest = findDigest(c1Of(ffmpegC0C1), 'client')!.digest;
    expect(verifySecondPacket(s2, SERVER_FULL_KEY, c1Digest)).toBe(true);
  });

  it('our client, given FFmpeg’s random bytes, builds FFmpeg’s exact C0C1', () => {
    const client = new ClientHandshake({
      scheme: 'digest-8',
      randomBytes: scriptedRandom(ffmpegC0C1.slice(9)),
    });
    expect(client.start()).toEqual(ffmpegC0C1);
  });
});

describe('nginx-rtmp S0S1S2 answering FFmpeg (digest)', () => {
  it('carries an S1 digest at offset 8 with the server key and an S2 signed for FFmpeg’s C1', () => {
    const { s1, s2 } = split(nginxReply);
    expect([...s1.subarray(4, 8)]).toEqual([13, 14, 10, 13]);
    expect(findDigest(s1, 'server')?.scheme).toBe('digest-8');
    const c1Digest = findDigest(c1Of(ffmpegC0C1), 'client')!.digest;
    expect(verifySecondPacket(s2, SERVER_FULL_KEY, c1Digest)).toBe(true);
  });

  it('is accepted by our digest client exactly as FFmpeg accepted it, whatever the split', () => {
    for (let at = 0; at <= nginxReply.length; at += 97) {
      const client = new ClientHandshake({
        scheme: 'digest-8',
        randomBytes: scriptedRandom(ffmpegC0C1.slice(9)),
      });
      client.start();
      const result = feed(client, cut(nginxReply, at));
      expect(result).toMatchObject({ done: true, scheme: 'digest-8', sends: 1 });
      // C2 is a signed digest C2: random, then the signature for nginx's S1 digest.
      expect(result.sent.length).toBe(HANDSHAKE_PACKET_SIZE);
      expect(result.after.length).toBe(0);
    }
  });
});

describe('rtmpdump C0C1 (simple)', () => {
  it('has a zero version, so our server answers simply: S1 version zero, S2 = C1', () => {
    expect([...c1Of(rtmpdumpC0C1).subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    const server = new ServerHandshake({ randomBytes: seededRandom() });
    const { s1, s2 } = split(server.receive(rtmpdumpC0C1).send[0]!);
    expect(server.scheme).toBe('simple');
    expect([...s1.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(s2).toEqual(c1Of(rtmpdumpC0C1));
  });
});

describe('simple C1s', () => {
  it('a zero-version C1 is answered simply even if its bytes happen to hold a valid digest', () => {
    const c0c1 = ffmpegC0C1.slice();
    c0c1.fill(0, 5, 9); // clear the version, keep the (valid) digest
    const server = new ServerHandshake();
    server.receive(c0c1);
    expect(server.scheme).toBe('simple');
  });

  it('a server with digest disabled answers FFmpeg simply', () => {
    const server = new ServerHandshake({ digest: false });
    const { s2 } = split(server.receive(ffmpegC0C1).send[0]!);
    expect(server.scheme).toBe('simple');
    expect(s2).toEqual(c1Of(ffmpegC0C1));
  });
});

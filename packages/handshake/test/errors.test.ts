import { ClientHandshake, HandshakeError, ServerHandshake } from '@rtmp/handshake';
import { describe, expect, it } from 'vitest';

describe('HandshakeError', () => {
  it('misuse of the state machines is HANDSHAKE_INVALID_STATE', () => {
    const client = new ClientHandshake();
    expect(() => client.receive(Uint8Array.of(3))).toThrow(
      expect.objectContaining({ code: 'HANDSHAKE_INVALID_STATE' }),
    );
    client.start();
    expect(() => client.start()).toThrow(expect.objectContaining({ code: 'HANDSHAKE_INVALID_STATE' }));

    const server = new ServerHandshake();
    const c0c1 = new ClientHandshake().start();
    server.receive(c0c1);
    server.receive(new Uint8Array(1536));
    expect(() => server.receive(Uint8Array.of(1))).toThrow(
      expect.objectContaining({ code: 'HANDSHAKE_INVALID_STATE' }),
    );
  });

  it('is an Error with a name and survives duplicate installs', () => {
    try {
      new ServerHandshake().receive(Uint8Array.of(0x16));
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(HandshakeError);
      expect((error as HandshakeError).name).toBe('HandshakeError');
      expect((error as HandshakeError).offset).toBe(0);
    }
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@rtmp/handshake/HandshakeError')]: true });
    expect(foreign).toBeInstanceOf(HandshakeError);
    expect(
      (new HandshakeError('HANDSHAKE_BAD_DIGEST', 'x', 0) as unknown as Record<symbol, unknown>)[
        Symbol.for('@rtmp/error')
      ],
    ).toBe(true);
  });
});

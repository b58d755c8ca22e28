import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { connect, type RtmpPlayer } from '@rtmp/client';
import { MAX_MODEX_PREFIXES } from '@rtmp/messages';
import { DEFAULT_MAX_TRACKS_PER_STREAM, diagnostics } from '@rtmp/server';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './start-server';

// The plan's G cases: hostile Enhanced RTMP from a publisher closes that publisher with a typed
// error; another stream on the same server goes on untouched.

const defer = deferCleanups(afterEach);
const hvc1 = [0x68, 0x76, 0x63, 0x31];

/** The errors the server reports on its diagnostics channel while the test runs. */
function serverErrors(): unknown[] {
  const errors: unknown[] = [];
  const listener = (message: unknown) => errors.push((message as { error: unknown }).error);
  subscribe(diagnostics.error.name, listener);
  defer(() => unsubscribe(diagnostics.error.name, listener));
  return errors;
}

/** A healthy stream beside the hostile one: a publisher and a player, and what the player got. */
async function bystander(url: string) {
  const connection = await connect(url);
  defer(() => connection.close());
  const publisher = await connection.publish('healthy');
  const playing = await connection.play('healthy');
  const got: number[] = [];
  void (async (player: RtmpPlayer) => {
    for await (const event of player) if (event.type === 'video') got.push(event.timestamp);
  })(playing);
  let timestamp = 0;
  return {
    /** Sends one frame and waits until the player has it: the stream still flows. */
    async flows(): Promise<void> {
      timestamp += 40;
      const at = timestamp;
      await publisher.writeVideo(at, Uint8Array.of(0x17, 1, 0, 0, 0, 0x65));
      await waitFor(() => got.includes(at));
    },
  };
}

/** Publishes `bodies` as video on a fresh connection; resolves when the server has closed it. */
async function hostilePublisher(url: string, bodies: readonly Uint8Array[]) {
  const connection = await connect(url);
  defer(() => connection.close());
  const publisher = await connection.publish('hostile');
  for (const [i, body] of bodies.entries()) await publisher.writeVideo(i * 40, body).catch(() => {});
  await connection.closed;
}

const code = (error: unknown) => (error as { code?: string }).code;
const causeCode = (error: unknown) => code((error as { cause?: unknown }).cause);

/** Bodies that break the Enhanced RTMP header rules (G1, G2, G4), and the MessageError each gives. */
const hostileBodies: Array<[string, number[], string]> = [
  [
    'a ManyTracks track size past the end of the message',
    [0x96, 0x11, ...hvc1, 0, 0x00, 0x10, 0x00, 1, 2],
    'MESSAGE_TRUNCATED',
  ],
  [
    'a multitrack message with trailing bytes after its last track',
    [0x96, 0x11, ...hvc1, 0, 0, 0, 1, 0xaa, 7],
    'MESSAGE_TRUNCATED',
  ],
  [
    'a ModEx chain that never ends',
    [0x97, ...Array.from({ length: 40 }, () => [0, 0, 0x07]).flat()],
    'MESSAGE_BAD_MODEX',
  ],
  ['a ModEx size of 65,536 in a short message', [0x97, 0xff, 0xff, 0xff, 1, 2, 3], 'MESSAGE_TRUNCATED'],
  ['FourCC garbage', [0x91, 0, 0, 0, 0, 1, 2], 'MESSAGE_BAD_FOURCC'],
  ['a VideoCommand frame with no payload', [0xd1], 'MESSAGE_TRUNCATED'],
];

describe('Enhanced RTMP hostile publishers', () => {
  it.each(hostileBodies)(
    'G1, G2, G4: %s: the publisher is closed with SERVER_BAD_MEDIA, another stream flows on',
    async (_name, bytes, cause) => {
      const errors = serverErrors();
      const { url } = await startServer(defer);
      const healthy = await bystander(url);
      await healthy.flows();
      await hostilePublisher(url, [Uint8Array.from(bytes)]);
      expect(errors.map((error) => [code(error), causeCode(error)])).toEqual([['SERVER_BAD_MEDIA', cause]]);
      await healthy.flows();
    },
  );

  it('G2: the ModEx limit is the named one', () => {
    expect(MAX_MODEX_PREFIXES).toBe(8);
  });

  it('G3: a publisher that cycles through 256 track ids is closed at the track limit; nothing past it is cached', async () => {
    const errors = serverErrors();
    const { server, url } = await startServer(defer, { maxTracksPerStream: 4 });
    const healthy = await bystander(url);
    const configs = Array.from({ length: 256 }, (_, id) =>
      Uint8Array.from([0x96, 0x00, ...hvc1, id, ...new Array(1000).fill(id)]),
    );
    const closed = hostilePublisher(url, configs);
    await closed;
    expect(errors.map(code)).toEqual(['SERVER_TOO_MANY_TRACKS']);
    expect(String((errors[0] as Error).message)).toContain('maxTracksPerStream');
    // The stream is gone with its publisher; the healthy one was never touched.
    expect(server.stats().map((s) => s.key)).toEqual(['live/healthy']);
    await healthy.flows();
    expect(DEFAULT_MAX_TRACKS_PER_STREAM).toBe(16);
  });

  it('G4: an unknown but well-formed FourCC on track 0 passes through to players byte for byte, and is not a keyframe unless it says so', async () => {
    const { url } = await startServer(defer);
    const connection = await connect(url);
    defer(() => connection.close());
    const publisher = await connection.publish('odd');
    const player = await connection.play('odd');
    const body = Uint8Array.of(0xa1, 0x78, 0x79, 0x7a, 0x31, 9, 9, 9); // an inter frame of 'xyz1'
    await publisher.writeVideo(0, body);
    for await (const event of player) {
      if (event.type !== 'video') continue;
      expect([...event.payload]).toEqual([...body]);
      break;
    }
  });

  it('G5: a connect with a 100,000-entry fourCcList is refused before it is parsed (the pre-publish message limit); a capsEx string is no offer', async () => {
    const { url } = await startServer(defer);
    const huge = Array.from({ length: 100_000 }, (_, i) => `c${i % 1000}`.padEnd(4, 'x'));
    await expect(connect(url, { enhancedRtmp: { fourCcList: huge } })).rejects.toMatchObject({
      code: expect.stringMatching(/^CLIENT_/),
    });
    const odd = await connect(url, { connect: JSON.parse('{"capsEx":"everything"}') });
    defer(() => odd.close());
    expect(odd.serverProperties).toEqual({ fmsVer: 'FMS/3,0,1,123', capabilities: 31 });
  });
});

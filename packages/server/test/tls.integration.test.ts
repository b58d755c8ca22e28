import { connect, type PlayerEvent } from '@rtmp/client';
import { RtmpServer } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegPublishArgs,
  peerAvailable,
  readFlvTags,
  runProcess,
  sampleFlv,
  selfSignedCertificate,
  toHex,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';

const defer = deferCleanups(afterEach);

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('openssl'))('RtmpServer over TLS', () => {
  it('ffmpeg publishes over rtmps:// to the TLS listener; a plain-port player gets every frame', async () => {
    const { cert, key } = await selfSignedCertificate();
    const server = new RtmpServer({ port: 0 });
    const plain = await server.listen();
    const secure = await server.listenTls({
      port: 0,
      key,
      cert: cert,
    });
    defer(() => server.close());
    expect(secure.url).toMatch(/^rtmps:\/\/127\.0\.0\.1:\d+$/);

    const connection = await connect(`${plain.url}/live`, { player: true });
    defer(() => connection.close());
    const player = await connection.play('secure');
    const events: PlayerEvent[] = [];
    const done = (async () => {
      for await (const event of player) events.push(event);
    })();
    const flv = await sampleFlv({ seconds: 2 });
    // FFmpeg's TLS does not verify certificates unless asked to: a self-signed one will do.
    await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${secure.url}/live/secure`));
    await done;
    const video = events.flatMap((e) => (e.type === 'video' ? [toHex(e.payload)] : []));
    expect(video).toEqual(
      readFlvTags(flv)
        .filter((t) => t.type === 9)
        .map((t) => toHex(t.body)),
    );
  });
});

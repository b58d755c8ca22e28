// nginx-rtmp as an edge in front of our server: pulling a stream from it, and pushing one to it.
import { connect, type PlayerEvent } from '@rtmp/client';
import { RtmpServer } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegPublishArgs,
  packetHashes,
  peerAvailable,
  readFlvTags,
  retry,
  runProcess,
  sampleFlv,
  startNginxRtmp,
  startProcess,
  toHex,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';

const defer = deferCleanups(afterEach);

async function ours() {
  const server = new RtmpServer({ port: 0 });
  const { url, port } = await server.listen();
  defer(() => server.close());
  return { server, url, port };
}

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('nginx'))(
  'nginx-rtmp relaying with our server',
  () => {
    it('pull: ffmpeg publishes to us, nginx pulls for its player; consecutive source packets from a keyframe', async () => {
      const flv = await sampleFlv({ seconds: 10, fps: 25 });
      const origin = await ours();
      const publisher = startProcess('ffmpeg', ffmpegPublishArgs(flv, `${origin.url}/live/cam`));
      defer(() => publisher.stop());
      const edge = await startNginxRtmp(
        `application live { live on; pull rtmp://127.0.0.1:${origin.port}/live; }`,
      );
      defer(() => edge.stop());
      // The pull starts with the first player; until our publisher is live it may come back empty.
      const played = await retry(async () => {
        const hashes = await packetHashes(`${edge.url}/live/cam`, 'v', ['-t', '2']);
        if (hashes.length === 0) throw new Error('nothing yet');
        return hashes;
      });
      const source = await packetHashes(flv, 'v');
      const first = source.indexOf(played[0]!);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(first % 25).toBe(0);
      expect(played).toEqual(source.slice(first, first + played.length));
    });

    it('push: ffmpeg publishes to nginx, nginx pushes to us, our client plays identical messages', async () => {
      const flv = await sampleFlv({ seconds: 3 });
      const origin = await ours();
      const edge = await startNginxRtmp(
        `application live { live on; push rtmp://127.0.0.1:${origin.port}/live; }`,
      );
      defer(() => edge.stop());
      const connection = await connect(`${origin.url}/live`, { player: true });
      defer(() => connection.close());
      const player = await connection.play('cam');
      const events: PlayerEvent[] = [];
      const done = (async () => {
        for await (const event of player) events.push(event);
      })();
      await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${edge.url}/live/cam`));
      await done; // nginx's push ends with the publish: the stream ends here too
      const tags = readFlvTags(flv);
      // nginx starts relaying once its push connection is up, at a keyframe: the codec configuration
      // comes first, then consecutive source frames.
      for (const [type, kind] of [
        [9, 'video'],
        [8, 'audio'],
      ] as const) {
        const got = events.flatMap((e) => (e.type === kind ? [toHex(e.payload)] : []));
        const expected = tags.filter((t) => t.type === type).map((t) => toHex(t.body));
        expect(got[0]).toBe(expected[0]); // the sequence header
        const frames = got.slice(1);
        expect(frames.length).toBeGreaterThan(expected.length / 3);
        const at = expected.indexOf(frames[0]!);
        expect(at).toBeGreaterThan(0);
        expect(frames).toEqual(expected.slice(at, at + frames.length));
      }
    });
  },
);

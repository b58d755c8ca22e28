import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PlayerEvent } from '@rtmp/client';
import { diagnostics } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegCopyArgs,
  packetHashes,
  peerAvailable,
  readFlvTags,
  sampleFlv,
  toHex,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { vodPath } from '../src/node/vod';
import { startServer } from './start-server';

// Playback of recorded FLV files (VOD) from RtmpServer's vodDir.

const defer = deferCleanups(afterEach);

async function vodServer() {
  const dir = mkdtempSync(join(tmpdir(), 'vod-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  const flv = await sampleFlv({ seconds: 3 });
  copyFileSync(flv, join(dir, 'sample.flv'));
  const started = await startServer(defer, { vodDir: dir });
  return { ...started, dir, flv };
}

/** A label per event: `V<ts>`/`V<ts> key`, `A<ts>`, the data name, or the status code. */
const label = (event: PlayerEvent) =>
  event.type === 'status'
    ? event.info.code
    : event.type === 'stream'
      ? `stream ${event.state}`
      : event.type === 'data'
        ? event.name === 'onPlayStatus'
          ? `onPlayStatus ${(event.values[0] as { code: string }).code}`
          : event.name
        : `${event.type === 'video' ? 'V' : 'A'}${event.timestamp}${event.type === 'video' && event.payload[0] === 0x17 && event.payload[1] === 1 ? ' key' : ''}`;

describe('VOD: recorded FLV files', () => {
  it('plays a file whole, every tag as in the file, in order, then onPlayStatus Play.Complete and Play.Stop', async () => {
    const { url, flv } = await vodServer();
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    const payloads: string[] = [];
    const seen: string[] = [];
    for await (const event of await connection.play('sample')) {
      seen.push(label(event));
      if (event.type === 'audio' || event.type === 'video') payloads.push(toHex(event.payload));
    }
    const tags = readFlvTags(flv).filter((tag) => tag.type !== 18);
    expect(payloads).toEqual(tags.map((tag) => toHex(tag.body)));
    expect(seen).toContain('onMetaData');
    expect(seen.filter((name) => name.startsWith('stream '))).toEqual(['stream begin', 'stream recorded']);
    expect(seen.slice(-2)).toEqual(['onPlayStatus NetStream.Play.Complete', 'NetStream.Play.Stop']);
  });

  it("seek goes to the keyframe at or before the time (configuration first); getStreamLength is the file's duration", async () => {
    const { url, flv } = await vodServer();
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    const keyframes = readFlvTags(flv)
      .filter((tag) => tag.type === 9 && tag.body[0] === 0x17 && tag.body[1] === 1)
      .map((tag) => tag.timestamp);
    const expected = keyframes.filter((timestamp) => timestamp <= 2100).at(-1)!;
    expect(expected).toBeGreaterThan(1000); // the file has a keyframe a second
    expect(await connection.call('getStreamLength', [null, 'sample'])).toEqual([null, expect.closeTo(3, 0)]);
    expect(await connection.call('getStreamLength', [null, 'live-and-unknown'])).toEqual([null, 0]);
    const player = await connection.play('sample');
    // One iterator throughout: leaving a for-await would close the stream.
    const events = player[Symbol.asyncIterator]();
    const until = async (done: (seen: string[]) => boolean) => {
      const seen: string[] = [];
      while (!done(seen)) {
        const next = await events.next();
        if (next.done) break;
        seen.push(label(next.value));
      }
      return seen;
    };
    const videoAt = (name: string) => (/^V(\d+)/.exec(name) ? Number(/^V(\d+)/.exec(name)![1]) : -1);
    await until((seen) => seen.some((name) => videoAt(name) >= 200));
    player.seek(2100);
    const after = await until((seen) => seen.some((name) => videoAt(name) > expected));
    const fromSeek = after.slice(after.indexOf('NetStream.Seek.Notify') + 1);
    // The configuration again (its video part at 0), then the keyframe at or before 2100 ms.
    const firstFrame = fromSeek.find((name) => videoAt(name) > 0);
    expect(fromSeek.indexOf('V0')).toBeGreaterThanOrEqual(0);
    expect(firstFrame).toBe(`V${expected} key`);
  });

  it('a file that is not FLV closes that player with SERVER_VOD_FAILED (its FlvError as the cause); the server goes on', async () => {
    const errors: unknown[] = [];
    const listener = (message: unknown) => errors.push((message as { error: unknown }).error);
    subscribe(diagnostics.error.name, listener);
    defer(() => unsubscribe(diagnostics.error.name, listener));
    const { url, dir } = await vodServer();
    writeFileSync(join(dir, 'broken.flv'), 'this is not an FLV file at all');
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    await connection.play('broken');
    await connection.closed;
    expect(
      errors.map((error) => [
        (error as { code?: string }).code,
        (error as { cause?: { code?: string } }).cause?.code,
      ]),
    ).toEqual([['SERVER_VOD_FAILED', 'FLV_BAD_SIGNATURE']]);
    const other = await connect(url, { player: true });
    defer(() => other.close());
    const events: string[] = [];
    for await (const event of await other.play('sample')) if (event.type === 'data') events.push(event.name);
    expect(events).toContain('onPlayStatus');
  });

  it('names stay inside the directory and use the stream-name characters', async () => {
    const { dir } = await vodServer();
    symlinkSync('/etc', join(dir, 'etc'));
    expect(vodPath(dir, 'sample')).toBe(join(dir, 'sample.flv'));
    expect(vodPath(dir, 'flv:sample.flv')).toBe(join(dir, 'sample.flv'));
    for (const name of ['../sample', 'a/../../sample', '..', 'sam ple', 'missing', 'etc/passwd'])
      expect(vodPath(dir, name), name).toBeUndefined();
  });

  it.skipIf(!peerAvailable('ffmpeg'))(
    "FFmpeg 5.1 plays a recorded file: its video packets are the file's",
    async () => {
      const { url, flv, dir } = await vodServer();
      const out = join(dir, 'copy.flv');
      const { runProcess } = await import('@rtmp/test-helpers');
      await runProcess('ffmpeg', ffmpegCopyArgs(`${url}/sample`, out));
      expect(await packetHashes(out)).toEqual(await packetHashes(flv));
    },
  );
});

describe.skipIf(!peerAvailable('rtmpdump'))('VOD with rtmpdump', () => {
  it('rtmpdump --start 1 --stop 2 gets the second second of a recorded file', async () => {
    const { url, flv, dir } = await vodServer();
    const out = join(dir, 'part.flv');
    const { runProcess, readFlvTags: tagsOf } = await import('@rtmp/test-helpers');
    // rtmpdump exits 2 ("incomplete") when it stops before the end, as asked.
    await runProcess('rtmpdump', [
      '-q',
      '-r',
      `${url}/sample`,
      '--start',
      '1',
      '--stop',
      '2',
      '-o',
      out,
    ]).catch(() => {});
    // The server starts at the keyframe at or before 1 s; rtmpdump keeps what is at or after it.
    const keyframes = readFlvTags(flv)
      .filter((tag) => tag.type === 9 && tag.body[0] === 0x17 && tag.body[1] === 1)
      .map((tag) => tag.timestamp);
    const video = tagsOf(out).filter((tag) => tag.type === 9 && tag.body[1] === 1);
    expect(video[0]!.timestamp).toBe(keyframes.find((timestamp) => timestamp >= 1000));
    expect(video.at(-1)!.timestamp).toBeLessThanOrEqual(2100);
    expect(video.at(-1)!.timestamp).toBeGreaterThanOrEqual(1900);
  });
});

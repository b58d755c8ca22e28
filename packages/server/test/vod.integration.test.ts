import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PlayerEvent } from '@rtmp/client';
import { diagnostics, type RtmpServerOptions } from '@rtmp/server';
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

async function vodServer(options: RtmpServerOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vod-'));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  const flv = await sampleFlv({ seconds: 3 });
  copyFileSync(flv, join(dir, 'sample.flv'));
  const started = await startServer(defer, { vodDir: dir, ...options });
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

  it("play's start and duration over the wire: from the keyframe at or before start, that long, then Play.Complete", async () => {
    const { url, flv } = await vodServer();
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    const seen: string[] = [];
    for await (const event of await connection.play('sample', { start: 1200, duration: 800 }))
      seen.push(label(event));
    const key = readFlvTags(flv)
      .filter((tag) => tag.type === 9 && tag.body[0] === 0x17 && tag.body[1] === 1 && tag.timestamp <= 1200)
      .at(-1)!.timestamp;
    const video = seen.filter((name) => /^V\d+/.test(name) && name !== 'V0');
    expect(video[0]).toBe(`V${key} key`);
    expect(Number(/^V(\d+)/.exec(video.at(-1)!)![1])).toBeLessThanOrEqual(key + 800);
    expect(Number(/^V(\d+)/.exec(video.at(-1)!)![1])).toBeGreaterThan(key + 700);
    expect(seen.slice(-2)).toEqual(['onPlayStatus NetStream.Play.Complete', 'NetStream.Play.Stop']);
  });

  it('pause and unpause a recorded file: Pause.Notify, Unpause.Notify, every tag still once and in order', async () => {
    const { url, flv } = await vodServer();
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    const player = await connection.play('sample');
    const seen: string[] = [];
    const payloads: string[] = [];
    for await (const event of player) {
      seen.push(label(event));
      if (event.type === 'audio' || event.type === 'video') payloads.push(toHex(event.payload));
      if (event.type === 'video' && event.timestamp >= 400 && !seen.includes('paused')) {
        seen.push('paused');
        player.pause();
      }
      if (event.type === 'status' && event.info.code === 'NetStream.Pause.Notify') player.resume();
    }
    expect(seen.filter((name) => /pause\.Notify/i.test(name))).toEqual([
      'NetStream.Pause.Notify',
      'NetStream.Unpause.Notify',
    ]);
    expect(payloads).toEqual(
      readFlvTags(flv)
        .filter((tag) => tag.type !== 18)
        .map((tag) => toHex(tag.body)),
    );
  });

  it('receiveAudio(false) on a recorded file: its audio stops, its video goes on', async () => {
    const { url, flv } = await vodServer();
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    const player = await connection.play('sample');
    player.receiveAudio(false);
    const audio: number[] = [];
    const video: number[] = [];
    for await (const event of player) {
      if (event.type === 'audio') audio.push(event.timestamp);
      if (event.type === 'video') video.push(event.timestamp);
    }
    // What went ahead before the command (up to a second) may arrive; nothing later does.
    expect(Math.max(...audio, 0)).toBeLessThan(1600);
    expect(video).toEqual(
      readFlvTags(flv)
        .filter((tag) => tag.type === 9)
        .map((tag) => tag.timestamp),
    );
  });

  it('a playlist: play with reset false plays the next file after the first (Play.Switch, Play.Start), Play.Complete once at the end', async () => {
    const { url, dir, flv } = await vodServer();
    copyFileSync(flv, join(dir, 'other.flv'));
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    const player = await connection.play('sample', { start: 2000 });
    await player.play('other', { start: 2000, reset: false });
    const seen: string[] = [];
    for await (const event of player) {
      seen.push(label(event));
      if (event.type === 'status' && event.info.code === 'NetStream.Play.Start')
        seen.push(String(event.info['description']));
    }
    const switchAt = seen.indexOf('onPlayStatus NetStream.Play.Switch');
    expect(switchAt).toBeGreaterThan(0);
    expect(seen.slice(switchAt + 1, switchAt + 3)).toEqual(['NetStream.Play.Start', 'Started playing other']);
    // Both files' last seconds: the keyframe at 2 s twice, once before the switch and once after.
    const key = seen.find((name) => /^V\d+ key$/.test(name))!;
    expect(seen.slice(0, switchAt)).toContain(key);
    expect(seen.slice(switchAt)).toContain(key);
    expect(seen.filter((name) => name.includes('Play.Complete'))).toEqual([
      'onPlayStatus NetStream.Play.Complete',
    ]);
    expect(seen.slice(-2)).toEqual(['onPlayStatus NetStream.Play.Complete', 'NetStream.Play.Stop']);
  });

  it('play2 switches what plays; play with reset replaces it; closeStream stops it and play2 plays again on the stream', async () => {
    const { url, dir, flv } = await vodServer();
    copyFileSync(flv, join(dir, 'other.flv'));
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    const player = await connection.play('sample');
    const events = player[Symbol.asyncIterator]();
    const until = async (done: (seen: string[]) => boolean) => {
      const seen: string[] = [];
      while (!done(seen)) {
        const next = await events.next();
        if (next.done) break;
        const event = next.value;
        seen.push(event.type === 'status' ? `${event.info.code} ${event.info['description']}` : label(event));
      }
      return seen;
    };
    // Up to the new play's Play.Start and the first keyframe after it.
    const started = (seen: string[]) => {
      const at = seen.findIndex((name) => name.startsWith('NetStream.Play.Start'));
      return at >= 0 && seen.slice(at).some((name) => name.endsWith(' key'));
    };
    await until((seen) => seen.includes('V0'));
    await player.play2('other', { start: 2000 });
    expect(player.name).toBe('other');
    const switched = await until(started);
    expect(switched).toContain('NetStream.Play.Start Started playing other');
    await player.play('sample', { start: 1000 });
    const replaced = await until(started);
    expect(replaced).toContain('NetStream.Play.Reset Playing and resetting sample');
    expect(replaced).toContain('NetStream.Play.Start Started playing sample');
    player.closeStream();
    await player.play2('other', { start: 2500 });
    const rest = await until(() => false);
    expect(rest).toContain('NetStream.Play.Start Started playing other');
    expect(rest.slice(-2)).toEqual([
      'onPlayStatus NetStream.Play.Complete',
      'NetStream.Play.Stop the recording ended',
    ]);
    expect(rest.filter((name) => name.includes('Play.Complete'))).toHaveLength(1);
  });

  it('a play2 the server refuses rejects with CLIENT_PLAY_FAILED and its description; the iteration ends with it', async () => {
    const { url } = await vodServer({
      onPlay: ({ name }) => (name === 'secret' ? { allow: false, description: 'not for you' } : true),
    });
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    const player = await connection.play('sample');
    await expect(player.play2('secret')).rejects.toMatchObject({
      code: 'CLIENT_PLAY_FAILED',
      description: 'not for you',
    });
    await expect(
      (async () => {
        for await (const _event of player);
      })(),
    ).rejects.toMatchObject({ code: 'CLIENT_PLAY_FAILED' });
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

  it('a recorded file is played only where a live stream would be: access rules and onPlay decide first', async () => {
    const closed = await vodServer({ access: ['deny play 127.0.0.1'] });
    const denied = await connect(closed.url, { player: true });
    defer(() => denied.close());
    await expect(denied.play('sample')).rejects.toMatchObject({ code: 'CLIENT_PLAY_FAILED' });
    const { url } = await vodServer({
      onPlay: ({ name }) => (name === 'secret' ? { allow: false, description: 'not for you' } : true),
    });
    const connection = await connect(url, { player: true });
    defer(() => connection.close());
    await expect(connection.play('secret')).rejects.toMatchObject({
      code: 'CLIENT_PLAY_FAILED',
      description: 'not for you',
    });
    const played: string[] = [];
    for await (const event of await connection.play('sample'))
      if (event.type === 'data') played.push(event.name);
    expect(played).toContain('onPlayStatus');
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

describe.skipIf(!peerAvailable('ffmpeg'))('VOD with FFmpeg 5.1 and GStreamer', () => {
  it('ffmpeg -rtmp_live recorded -ss 2 seeks the recorded file: it starts at the keyframe at or before 2 s', async () => {
    const { url, flv, dir } = await vodServer();
    const out = join(dir, 'seek.flv');
    const { runProcess } = await import('@rtmp/test-helpers');
    await runProcess('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-rtmp_live',
      'recorded',
      '-ss',
      '2',
      '-i',
      `${url}/sample`,
      '-c',
      'copy',
      '-y',
      out,
    ]);
    const key = readFlvTags(flv)
      .filter((tag) => tag.type === 9 && tag.body[0] === 0x17 && tag.body[1] === 1 && tag.timestamp <= 2000)
      .at(-1)!;
    const video = readFlvTags(out).filter((tag) => tag.type === 9 && tag.body[1] === 1);
    // FFmpeg rebases timestamps: the first frame is known by its bytes.
    expect(toHex(video[0]!.body)).toBe(toHex(key.body));
    expect(key.timestamp).toBeGreaterThan(0);
  });

  it.skipIf(!peerAvailable('gst-launch-1.0', 'gstreamer1.0-tools'))(
    "GStreamer's rtmp2src plays a recorded file and exits on its StreamEOF: the file's video packets",
    async () => {
      const { url, flv, dir } = await vodServer();
      const out = join(dir, 'gst.flv');
      const { runProcess } = await import('@rtmp/test-helpers');
      await runProcess('gst-launch-1.0', [
        '-q',
        'rtmp2src',
        `location=${url}/sample`,
        '!',
        'filesink',
        `location=${out}`,
      ]);
      expect(await packetHashes(out, 'v')).toEqual(await packetHashes(flv, 'v'));
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

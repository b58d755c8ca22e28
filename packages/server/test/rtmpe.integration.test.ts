// RTMPE (rtmpe://: the type-6 handshake, then RC4) on RtmpServer's normal port, against rtmpdump
// (librtmp), FFmpeg 8.1 (node-av; Debian's FFmpeg 5.1 is built without RTMPE) and our client.
import {
  deferCleanups,
  demuxWithFfmpeg8,
  ffmpegPublishArgs,
  modernMedia,
  packetHashes,
  packetsPerStream,
  peerAvailable,
  publishWithFfmpeg8,
  runProcess,
  sampleFlv,
  startProcess,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { expectConsecutive, frames, play, publishing } from './live-helpers';
import { startServer } from './start-server';

const defer = deferCleanups(afterEach);
const rtmpe = (url: string) => url.replace(/^rtmp:/, 'rtmpe:');

describe('RTMPE with our client', () => {
  it('a publisher and a player over rtmpe:// and a player over rtmp:// on the same port get every frame in order', async () => {
    const { server, url } = await startServer(defer);
    const encrypted = await play(rtmpe(url), 'cam');
    const plain = await play(url, 'cam');
    const publisher = await publishing(rtmpe(url), 'cam');
    await encrypted.until((seen) => frames(seen).length >= 40);
    await plain.until((seen) => frames(seen).length >= 40);
    await publisher.stop();
    for (const player of [encrypted, plain]) expectConsecutive(player.seen, 40);
    expect(server.stats().find((s) => s.key === 'live/cam')?.players).toBe(2);
  });

  it('a server started with rtmpe: false refuses rtmpe:// at the handshake, and still serves rtmp://', async () => {
    const { url } = await startServer(defer, { rtmpe: false });
    await expect(play(rtmpe(url), 'cam')).rejects.toMatchObject({ code: expect.stringMatching(/^CLIENT_/) });
    const plain = await play(url, 'cam');
    expect(plain.connection.url.protocol).toBe('rtmp');
  });
});

describe.skipIf(!peerAvailable('rtmpdump'))('RTMPE with rtmpdump', () => {
  it('rtmpdump plays over rtmpe:// while ffmpeg publishes over rtmp://: the FLV it writes has the source’s video packets', async () => {
    const flv = await sampleFlv({ seconds: 3 });
    const { server, url } = await startServer(defer);
    const out = `${flv}.rtmpe.flv`;
    const rtmpdump = startProcess('rtmpdump', ['-q', '-r', `${rtmpe(url)}/cam`, '--live', '-o', out]);
    defer(() => void rtmpdump.stop());
    await waitFor(() => server.stats().some((s) => s.key === 'live/cam' && s.players === 1), 10_000);
    await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${url}/cam`));
    await rtmpdump.exited; // it stops by itself on the unpublish
    expect(await packetHashes(out, 'v')).toEqual(await packetHashes(flv, 'v'));
  });
});

describe.skipIf(!peerAvailable('ffmpeg'))('RTMPE with FFmpeg 8.1', () => {
  it('FFmpeg 8.1 publishes over rtmpe:// and plays over rtmpe://: every packet of every stream identical', async () => {
    const file = await modernMedia({ video: ['h264'], audio: ['aac'], seconds: 3 });
    const source = await demuxWithFfmpeg8(file);
    const { server, url } = await startServer(defer);
    const playing = demuxWithFfmpeg8(`${rtmpe(url)}/cam`);
    await waitFor(() => server.stats().some((s) => s.key === 'live/cam' && s.players === 1), 10_000);
    await publishWithFfmpeg8(file, `${rtmpe(url)}/cam`);
    const played = await playing;
    expect(played.streams.map((s) => s.codec)).toEqual(['h264', 'aac']);
    expect(packetsPerStream(played)).toEqual(packetsPerStream(source));
  });
});

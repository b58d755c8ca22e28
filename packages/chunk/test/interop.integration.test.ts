// Chunk streams live from Debian's ffmpeg and nginx-rtmp, decoded and compared with the source FLV.
import { ChunkDecoder, type ReceivedMessage } from '@rtmp/chunk';
import {
  peerAvailable,
  readFlvTags,
  runProcess,
  sampleFlv,
  startNginxRtmp,
  startProcess,
  startRecordingProxy,
} from '@rtmp/test-helpers';
import { describe, expect, it } from 'vitest';

const HANDSHAKE = 3073;
const quiet = ['-hide_banner', '-loglevel', 'error'];
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** ffmpeg publishes `flv` to nginx through the recording proxy; returns what it sent, decoded. */
async function publishThroughProxy(flv: string, extraArgs: string[] = []): Promise<ReceivedMessage[]> {
  const nginx = await startNginxRtmp();
  const proxy = await startRecordingProxy(nginx.port);
  try {
    await runProcess('ffmpeg', [
      ...quiet,
      '-i',
      flv,
      '-c',
      'copy',
      ...extraArgs,
      '-f',
      'flv',
      `rtmp://127.0.0.1:${proxy.port}/live/x`,
    ]);
  } finally {
    await proxy.close();
    await nginx.stop();
  }
  const decoder = new ChunkDecoder();
  const messages = decoder.decode(proxy.clientBytes().subarray(HANDSHAKE));
  expect(decoder.bufferedBytes).toBe(0);
  return messages;
}

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('nginx'))('live chunk streams', () => {
  it('ffmpeg publishing: every audio and video message equals its FLV tag, in order', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const messages = await publishThroughProxy(flv);
    for (const type of [8, 9]) {
      const sent = messages.filter((m) => m.typeId === type);
      const tags = readFlvTags(flv).filter((t) => t.type === type);
      expect(sent.map((m) => hex(m.payload))).toEqual(tags.map((t) => hex(t.body)));
      expect(sent.map((m) => m.timestamp)).toEqual(tags.map((t) => t.timestamp));
    }
  });

  it('ffmpeg publishing with timestamps past 0xFFFFFF: extended timestamps decode to tag time + offset', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const messages = await publishThroughProxy(flv, ['-output_ts_offset', '16777.2']);
    const video = messages.filter((m) => m.typeId === 9).slice(1); // after the sequence header
    const tags = readFlvTags(flv)
      .filter((t) => t.type === 9)
      .slice(1);
    expect(video.map((m) => m.timestamp)).toEqual(tags.map((t) => t.timestamp + 16_777_200));
    expect(video.map((m) => hex(m.payload))).toEqual(tags.map((t) => hex(t.body)));
  });

  it('nginx-rtmp serving a player: every video message is a source tag, consecutive, from a keyframe', async () => {
    const flv = await sampleFlv({ seconds: 10, fps: 10 });
    const nginx = await startNginxRtmp();
    const publisher = startProcess('ffmpeg', [
      ...quiet,
      '-re',
      '-i',
      flv,
      '-c',
      'copy',
      '-f',
      'flv',
      `${nginx.url}/live/x`,
    ]);
    const proxy = await startRecordingProxy(nginx.port);
    try {
      const play = [
        ...quiet,
        '-i',
        `rtmp://127.0.0.1:${proxy.port}/live/x`,
        '-c',
        'copy',
        '-t',
        '1',
        '-f',
        'flv',
        '-y',
        '/dev/null',
      ];
      // The player may connect before the stream exists (nginx then closes it): try again.
      for (let attempt = 0; ; attempt++) {
        try {
          await runProcess('ffmpeg', play, 20_000);
          break;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    } finally {
      await publisher.stop();
      await proxy.close();
      await nginx.stop();
    }
    const decoder = new ChunkDecoder();
    const received = decoder.decode(proxy.serverBytes(proxy.connections() - 1).subarray(HANDSHAKE));
    const tags = readFlvTags(flv).filter((t) => t.type === 9);
    const video = received.filter((m) => m.typeId === 9);
    expect(hex(video[0]!.payload)).toBe(hex(tags[0]!.body)); // the AVC sequence header first
    const index = video.slice(1).map((m) => tags.findIndex((t) => hex(t.body) === hex(m.payload)));
    expect(index.length).toBeGreaterThan(5);
    expect(index.every((i) => i > 0)).toBe(true);
    expect(index.every((i, k) => k === 0 || i === index[k - 1]! + 1)).toBe(true);
    expect(video[1]!.payload[0]).toBe(0x17); // starts on a keyframe
  });
});

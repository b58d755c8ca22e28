import { describe, expect, it } from 'vitest';
import { LiveStream } from '../src/live-stream';
import type { Subscriber } from '../src/subscriber';

const video = (payload: number[], timestamp = 0) => ({
  typeId: 9,
  streamId: 1,
  timestamp,
  payload: Uint8Array.from(payload),
});
const audio = (payload: number[], timestamp = 0) => ({
  typeId: 8,
  streamId: 1,
  timestamp,
  payload: Uint8Array.from(payload),
});

describe('LiveStream figures', () => {
  it('names codecs from sequence headers, legacy and Enhanced RTMP', () => {
    const stream = new LiveStream('live/a', 100, 1 << 20);
    stream.add(video([0x17, 0, 0, 0, 0, 1, 0x64]), 0);
    stream.add(audio([0xaf, 0, 0x12, 0x10]), 0);
    expect(stream.stats()).toMatchObject({ videoCodec: 'avc1', audioCodec: 'mp4a' });
    // Enhanced RTMP: IsExHeader | keyframe, PacketType SequenceStart, FourCC hvc1; ExAudio Opus.
    stream.add(video([0x90, 0x68, 0x76, 0x63, 0x31, 1]), 10);
    stream.add(audio([0x90, 0x4f, 0x70, 0x75, 0x73, 1]), 10);
    expect(stream.stats()).toMatchObject({ videoCodec: 'hvc1', audioCodec: 'Opus' });
  });

  it('lists every track with its codec, as FFmpeg 8.1 sends a multitrack stream; HDR metadata names none', () => {
    const stream = new LiveStream('live/a', 100, 1 << 20);
    const hvc1 = [0x68, 0x76, 0x63, 0x31];
    const opus = [0x4f, 0x70, 0x75, 0x73];
    stream.add(video([0x17, 0, 0, 0, 0, 1, 0x64]), 0);
    stream.add(video([0x96, 0x00, ...hvc1, 1, 1]), 0);
    stream.add(audio([0xaf, 0, 0x12, 0x10]), 0);
    stream.add(audio([0x95, 0x00, ...opus, 1, 0x4f]), 0);
    stream.add(audio([0x95, 0x04, ...opus, 1, 1, 2, 0]), 0);
    stream.add(video([0xd4, ...hvc1, 2, 0, 9]), 0); // colorInfo of the HEVC track, sent without a track id
    expect(stream.stats()).toMatchObject({
      videoCodec: 'avc1',
      audioCodec: 'mp4a',
      tracks: [
        { kind: 'video', trackId: 0, codec: 'avc1' },
        { kind: 'video', trackId: 1, codec: 'hvc1' },
        { kind: 'audio', trackId: 0, codec: 'mp4a' },
        { kind: 'audio', trackId: 1, codec: 'Opus' },
      ],
    });
  });

  it('measures the published bitrate over its window and lists players', () => {
    const stream = new LiveStream('live/a', 100, 1 << 20);
    const start = Date.now();
    for (let i = 0; i <= 20; i++)
      stream.add(video([0x27, 1, ...new Array(998).fill(0)], i * 100), start + i * 100);
    // 21 frames of 1000 bytes from 0 to 2000 ms: 168 000 bits over 2 s.
    expect(stream.stats().bitrateKbps).toBe(84);
    stream.subscribers.add({
      remoteAddress: '127.0.0.1',
      queuedBytes: 4096,
      waitingForKeyframe: false,
      paused: false,
      audioOff: false,
      videoOff: false,
      videoStarted: undefined,
      congestedSince: undefined,
      dropped: 3,
    } as Subscriber);
    expect(stream.stats()).toMatchObject({
      messages: 21,
      bytes: 21_000,
      players: 1,
      playerDetails: [{ remoteAddress: '127.0.0.1', queuedBytes: 4096, dropped: 3 }],
    });
  });
});

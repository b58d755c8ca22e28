import { decodeAllNodes } from '@rtmp/amf0';
import {
  type CommandMessage,
  type DataMessage,
  decodeMessage,
  encodeMessage,
  isAudioSequenceHeader,
  isKeyframe,
  isVideoSequenceHeader,
  type MediaMessage,
  parseAudioHeader,
  parseConnect,
  parseCreateStreamResult,
  parseDeleteStream,
  parseMetadata,
  parsePlay,
  parsePublish,
  parseStatus,
  parseStreamNameArgument,
  parseVideoHeader,
  type RtmpMessage,
  StatusCode,
} from '@rtmp/messages';
import { describe, expect, it } from 'vitest';
import { session, toHex } from './support';

const sessions = [
  'ffmpeg-publish.c2s',
  'ffmpeg-publish.s2c',
  'ffmpeg-play.c2s',
  'ffmpeg-play.s2c',
  'rtmpdump-play.c2s',
  'rtmpdump-play.s2c',
];
const decoded = (name: string) => session(name).map((raw) => decodeMessage(raw));
const commands = (messages: RtmpMessage[]) =>
  messages.filter((m): m is CommandMessage => m.type === 'command');
const named = (messages: RtmpMessage[], name: string) => commands(messages).find((m) => m.name === name)!;

describe.each(sessions)('%s', (name) => {
  const raws = session(name);

  it('every message decodes, and re-encodes to the same type, stream, timestamp and bytes', () => {
    for (const raw of raws) {
      const message = decodeMessage(raw);
      const again = encodeMessage(message);
      if (raw.typeId === 18 && decodeAllNodes(raw.payload).some((node) => node.type === 'ecma-array')) {
        // An ECMA array decodes to a plain object, which encodes as an AMF0 object: same values,
        // other marker (see the README). Compare values.
        expect(decodeMessage(again)).toEqual(message);
        continue;
      }
      expect({ ...again, payload: toHex(again.payload) }).toEqual({
        typeId: raw.typeId,
        streamId: raw.streamId,
        timestamp: raw.timestamp,
        payload: toHex(raw.payload),
      });
    }
  });

  it('every video and audio payload has a readable header', () => {
    for (const message of raws.map((raw) => decodeMessage(raw))) {
      if (message.type === 'video') expect(parseVideoHeader(message.payload).tracks[0]?.fourCc).toBe('avc1');
      if (message.type === 'audio') expect(parseAudioHeader(message.payload).tracks[0]?.fourCc).toBe('mp4a');
    }
  });
});

describe('FFmpeg publishing to nginx-rtmp', () => {
  const sent = decoded('ffmpeg-publish.c2s');
  const received = decoded('ffmpeg-publish.s2c');

  it('sends connect, releaseStream, FCPublish, createStream, publish, metadata, FCUnpublish, deleteStream', () => {
    expect(commands(sent).map((c) => [c.name, c.transactionId, c.streamId])).toEqual([
      ['connect', 1, 0],
      ['releaseStream', 2, 0],
      ['FCPublish', 3, 0],
      ['createStream', 4, 0],
      ['publish', 5, 1],
      ['FCUnpublish', 6, 0],
      ['deleteStream', 7, 0],
    ]);
    const connect = parseConnect(named(sent, 'connect'));
    expect(connect).toMatchObject({
      app: 'live',
      type: 'nonprivate',
      flashVer: 'FMLE/3.0 (compatible; Lavf59.27.100)',
    });
    expect(connect.tcUrl).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
    expect(parseStreamNameArgument(named(sent, 'releaseStream'))).toBe('capture');
    expect(parsePublish(named(sent, 'publish'))).toEqual({ name: 'capture', type: 'live' });
    expect(parseDeleteStream(named(sent, 'deleteStream'))).toBe(1);
    const metadata = sent.find((m): m is DataMessage => m.type === 'data')!;
    expect(metadata.name).toBe('@setDataFrame');
    expect(parseMetadata(metadata)).toMatchObject({
      width: 320,
      height: 240,
      videocodecid: 7,
      audiocodecid: 10,
    });
  });

  it('nginx answers with window, bandwidth, chunk size, connect and createStream results, Publish.Start', () => {
    expect(received.slice(0, 3).map((m) => m.type)).toEqual([
      'window-acknowledgement-size',
      'set-peer-bandwidth',
      'set-chunk-size',
    ]);
    expect(received[0]).toMatchObject({ window: 5_000_000 });
    expect(received[1]).toMatchObject({ window: 5_000_000, limitType: 2 });
    const results = commands(received).filter((c) => c.name === '_result');
    expect(parseStatus(results[0]!).code).toBe(StatusCode.ConnectSuccess);
    expect(parseCreateStreamResult(results[1]!)).toBe(1);
    const statuses = commands(received)
      .filter((c) => c.name === 'onStatus')
      .map((c) => parseStatus(c).code);
    expect(statuses).toEqual([StatusCode.PublishStart, StatusCode.UnpublishSuccess]);
  });

  it('media starts with the AVC and AAC sequence headers, then a keyframe', () => {
    const video = sent.filter((m): m is MediaMessage => m.type === 'video');
    const audio = sent.filter((m): m is MediaMessage => m.type === 'audio');
    expect(isVideoSequenceHeader(video[0]!.payload)).toBe(true);
    expect(isKeyframe(video[0]!.payload)).toBe(false);
    expect(isKeyframe(video[1]!.payload)).toBe(true);
    expect(isAudioSequenceHeader(audio[0]!.payload)).toBe(true);
    expect(parseVideoHeader(video[0]!.payload).tracks[0]).toMatchObject({
      packetType: 'sequence-start',
      compositionTime: 0,
    });
    expect(parseAudioHeader(audio[1]!.payload)).toMatchObject({
      soundFormat: 10,
      soundRate: 3,
      soundSize: 1,
      soundType: 1,
    });
  });
});

describe('players', () => {
  it('FFmpeg: connect as a player, createStream, getStreamLength, play -2000, SetBufferLength 3000', () => {
    const sent = decoded('ffmpeg-play.c2s');
    expect(parseConnect(named(sent, 'connect'))).toMatchObject({
      flashVer: 'LNX 9,0,124,2',
      fpad: false,
      capabilities: 15,
      audioCodecs: 4071,
      videoCodecs: 252,
      videoFunction: 1,
    });
    expect(parsePlay(named(sent, 'play'))).toEqual({
      name: 'capture',
      start: -2000,
      duration: -1,
      reset: true,
    });
    expect(parseStreamNameArgument(named(sent, 'getStreamLength'))).toBe('capture');
    const buffer = sent.find((m) => m.type === 'user-control');
    expect(buffer).toMatchObject({ event: { kind: 'set-buffer-length', streamId: 1, bufferLength: 3000 } });
  });

  it('rtmpdump: FCSubscribe, play -1000, SetBufferLength for stream 0 and 1', () => {
    const sent = decoded('rtmpdump-play.c2s');
    expect(parseConnect(named(sent, 'connect')).flashVer).toBe('LNX 10,0,32,18');
    expect(parseStreamNameArgument(named(sent, 'FCSubscribe'))).toBe('capture');
    expect(parsePlay(named(sent, 'play')).start).toBe(-1000);
    const events = sent
      .filter((m) => m.type === 'user-control')
      .map((m) => m.type === 'user-control' && m.event);
    expect(events).toEqual([
      { kind: 'set-buffer-length', streamId: 0, bufferLength: 300 },
      { kind: 'set-buffer-length', streamId: 1, bufferLength: 36_000_000 },
    ]);
  });

  it('nginx serves Play.Start, |RtmpSampleAccess, StreamBegin, onMetaData, then media from a keyframe', () => {
    for (const name of ['ffmpeg-play.s2c', 'rtmpdump-play.s2c']) {
      const received = decoded(name);
      expect(parseStatus(commands(received).find((c) => c.name === 'onStatus')!).code).toBe(
        StatusCode.PlayStart,
      );
      const data = received.filter((m): m is DataMessage => m.type === 'data');
      expect(data[0]).toMatchObject({ name: '|RtmpSampleAccess', values: [true, true] });
      expect(parseMetadata(data[1]!)).toMatchObject({
        Server: 'NGINX RTMP (github.com/arut/nginx-rtmp-module)',
        width: 320,
      });
      expect(received.find((m) => m.type === 'user-control')).toMatchObject({
        event: { kind: 'stream-begin', streamId: 1 },
      });
      const video = received.filter((m): m is MediaMessage => m.type === 'video');
      expect(isVideoSequenceHeader(video[0]!.payload)).toBe(true);
      expect(isKeyframe(video[1]!.payload)).toBe(true);
    }
  });
});

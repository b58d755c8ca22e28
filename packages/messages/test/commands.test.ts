import { decodeAllNodes } from '@rtmp/amf0';
import {
  buildCheckBandwidth,
  buildCloseStream,
  buildConnect,
  buildConnectRejected,
  buildConnectResult,
  buildCreateStream,
  buildCreateStreamResult,
  buildDeleteStream,
  buildError,
  buildFCPublish,
  buildFCSubscribe,
  buildFCUnpublish,
  buildGetStreamLength,
  buildOnBandwidthDone,
  buildOnFCPublish,
  buildOnFCUnpublish,
  buildOnMetaData,
  buildPause,
  buildPlay,
  buildPlay2,
  buildPublish,
  buildReceive,
  buildReleaseStream,
  buildResult,
  buildRtmpSampleAccess,
  buildSeek,
  buildSetDataFrame,
  buildStatus,
  type CommandMessage,
  command,
  type DataMessage,
  decodeMessage,
  encodeMessage,
  isResponse,
  parseConnect,
  parseCreateStreamResult,
  parseDeleteStream,
  parseMetadata,
  parsePause,
  parsePlay,
  parsePlay2,
  parsePublish,
  parseReceive,
  parseSeek,
  parseStatus,
  parseStreamNameArgument,
  StatusCode,
  stripSetDataFrame,
} from '@rtmp/messages';
import { describe, expect, it } from 'vitest';

/** Through the wire and back: encode, then decode. */
const wire = <T extends CommandMessage | DataMessage>(message: T) =>
  decodeMessage(encodeMessage(message)) as T;

describe('NetConnection commands, built and parsed back', () => {
  it('connect with every field, Enhanced RTMP included', () => {
    const parameters = {
      app: 'live/instance?token=x',
      tcUrl: 'rtmp://example.com:1935/live/instance?token=x',
      flashVer: 'FMLE/3.0 (compatible; FMSc/1.0)',
      swfUrl: 'rtmp://example.com/live',
      pageUrl: 'https://example.com/page',
      type: 'nonprivate',
      fpad: false,
      capabilities: 15,
      audioCodecs: 3191,
      videoCodecs: 252,
      videoFunction: 1,
      objectEncoding: 0,
      fourCcList: ['av01', 'vp09', 'hvc1', 'avc1'],
      videoFourCcInfoMap: { hvc1: 7, '*': 4 },
      audioFourCcInfoMap: { Opus: 1 },
      capsEx: 15,
    };
    const message = wire(buildConnect(parameters, 1));
    expect(message).toMatchObject({ name: 'connect', transactionId: 1, streamId: 0 });
    expect(parseConnect(message)).toMatchObject({ ...parameters, transactionId: 1 });
    expect(Object.keys(buildConnect({ app: 'live', tcUrl: undefined }).commandObject as object)).toEqual([
      'app',
    ]);
  });

  it('connect result and rejection', () => {
    const result = wire(buildConnectResult(1, { objectEncoding: 3, properties: { capsEx: 1 } }));
    expect(result.name).toBe('_result');
    expect(isResponse(result)).toBe(true);
    expect(result.commandObject).toEqual({ fmsVer: 'FMS/3,0,1,123', capabilities: 31, capsEx: 1 });
    expect(parseStatus(result)).toEqual({
      level: 'status',
      code: StatusCode.ConnectSuccess,
      description: 'Connection succeeded.',
      objectEncoding: 3,
    });
    const rejected = wire(buildConnectRejected(1, 'no such app', StatusCode.ConnectInvalidApp));
    expect(rejected.name).toBe('_error');
    expect(parseStatus(rejected)).toEqual({
      level: 'error',
      code: StatusCode.ConnectInvalidApp,
      description: 'no such app',
    });
  });

  it('createStream and its result, deleteStream, closeStream, getStreamLength, _checkbw, onBWDone', () => {
    expect(wire(buildCreateStream(4))).toMatchObject({
      name: 'createStream',
      transactionId: 4,
      commandObject: null,
      args: [],
    });
    expect(parseCreateStreamResult(wire(buildCreateStreamResult(4, 1)))).toBe(1);
    expect(parseDeleteStream(wire(buildDeleteStream(7, 1)))).toBe(1);
    expect(wire(buildCloseStream(3))).toMatchObject({ name: 'closeStream', streamId: 3, transactionId: 0 });
    expect(parseStreamNameArgument(wire(buildGetStreamLength(3, 'cam')))).toBe('cam');
    expect(wire(buildCheckBandwidth(5))).toMatchObject({ name: '_checkbw', transactionId: 5 });
    expect(wire(buildOnBandwidthDone())).toMatchObject({ name: 'onBWDone', args: [8192] });
    expect(wire(buildResult(9, null, undefined))).toMatchObject({ name: '_result', args: [undefined] });
    expect(
      parseStatus(wire(buildError(9, { level: 'error', code: 'NetConnection.Call.Failed' }))),
    ).toMatchObject({
      code: StatusCode.CallFailed,
    });
  });
});

describe('NetStream commands, built and parsed back', () => {
  it('releaseStream, FCPublish, FCUnpublish, FCSubscribe, onFCPublish, onFCUnpublish', () => {
    for (const build of [buildReleaseStream, buildFCPublish, buildFCUnpublish, buildFCSubscribe]) {
      expect(parseStreamNameArgument(wire(build(2, 'key?token=1')))).toBe('key?token=1');
    }
    expect(wire(buildOnFCPublish(StatusCode.PublishStart, 'ok'))).toMatchObject({
      name: 'onFCPublish',
      args: [{ code: 'NetStream.Publish.Start', description: 'ok' }],
    });
    expect(wire(buildOnFCUnpublish(StatusCode.UnpublishSuccess, 'bye')).name).toBe('onFCUnpublish');
  });

  it('publish, with the type case-insensitive and live by default', () => {
    expect(parsePublish(wire(buildPublish(5, 1, 'cam', 'record')))).toEqual({ name: 'cam', type: 'record' });
    expect(wire(buildPublish(5, 1, 'cam')).streamId).toBe(1);
    expect(parsePublish(command('publish', 5, null, ['cam', 'APPEND'], 1))).toEqual({
      name: 'cam',
      type: 'append',
    });
    expect(parsePublish(command('publish', 5, null, ['cam'], 1))).toEqual({ name: 'cam', type: 'live' });
    expect(parsePublish(command('publish', 5, null, ['cam', 'bogus'], 1)).type).toBe('live');
  });

  it('play with start, duration and reset (absent reads as true, as in Flash); play2', () => {
    expect(parsePlay(wire(buildPlay(4, 1, 'cam')))).toEqual({
      name: 'cam',
      start: -2000,
      duration: -1,
      reset: true,
    });
    expect(parsePlay(wire(buildPlay(4, 1, 'cam', { reset: false }))).reset).toBe(false);
    expect(parsePlay(wire(buildPlay(4, 1, 'cam', { start: 0, duration: 5, reset: true })))).toEqual({
      name: 'cam',
      start: 0,
      duration: 5,
      reset: true,
    });
    expect(wire(buildPlay(4, 1, 'cam', { start: -1000 })).args).toEqual(['cam', -1000]);
    expect(
      parsePlay2(wire(buildPlay2(1, { streamName: 'cam', start: 10, len: 20, transition: 'switch' }))),
    ).toEqual({
      name: 'cam',
      start: 10,
      duration: 20,
      reset: true,
    });
  });

  it('pause, seek, receiveAudio, receiveVideo', () => {
    expect(parsePause(wire(buildPause(1, true, 1500)))).toEqual({ pause: true, milliseconds: 1500 });
    expect(parsePause(wire(buildPause(1, false, 0)))).toEqual({ pause: false, milliseconds: 0 });
    expect(parseSeek(wire(buildSeek(1, 2500)))).toBe(2500);
    expect(wire(buildReceive('audio', 1, false)).name).toBe('receiveAudio');
    expect(parseReceive(wire(buildReceive('video', 1, false)))).toBe(false);
    expect(parseReceive(wire(buildReceive('video', 1, true)))).toBe(true);
  });

  it('onStatus with extra fields', () => {
    const status = wire(
      buildStatus(1, { level: 'status', code: StatusCode.PlayStart, description: 'go', details: 'cam' }),
    );
    expect(status).toMatchObject({ name: 'onStatus', transactionId: 0, commandObject: null, streamId: 1 });
    expect(parseStatus(status)).toEqual({
      level: 'status',
      code: 'NetStream.Play.Start',
      description: 'go',
      details: 'cam',
    });
  });

  it('unknown commands pass through as generic commands', () => {
    const custom = command('myServerCall', 12, { a: 1 }, ['x', 2], 0);
    expect(wire(custom)).toEqual(custom);
  });
});

describe('data messages', () => {
  it('@setDataFrame onMetaData is written as an ECMA array and read back; servers strip @setDataFrame', () => {
    const metadata = { width: 1280, height: 720, videocodecid: 7, encoder: 'test' };
    const built = buildSetDataFrame(1, metadata);
    expect(decodeAllNodes(encodeMessage(built).payload).map((node) => node.type)).toEqual([
      'string',
      'string',
      'ecma-array',
    ]);
    const received = wire(built);
    expect(parseMetadata(received)).toEqual(metadata);
    const relayed = stripSetDataFrame(received);
    expect(relayed.name).toBe('onMetaData');
    expect(parseMetadata(relayed)).toEqual(metadata);
    expect(parseMetadata(wire(buildOnMetaData(1, metadata)))).toEqual(metadata);
  });

  it('|RtmpSampleAccess', () => {
    expect(wire(buildRtmpSampleAccess(1))).toMatchObject({ name: '|RtmpSampleAccess', values: [true, true] });
    expect(parseMetadata(wire(buildRtmpSampleAccess(1, false, false)))).toBeUndefined();
  });
});

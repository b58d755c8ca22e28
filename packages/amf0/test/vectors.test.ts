import {
  Amf0Decoder,
  Amf0Error,
  decode,
  decodeAll,
  decodeAllNodes,
  decodeNode,
  encode,
  encodeAll,
  encodeAllNodes,
  encodeNode,
} from '@rtmp/amf0';
import { describe, expect, it } from 'vitest';
import { ffmpegPublish, flvOnMetaData } from './vectors/captured';
import { specVectors } from './vectors/spec';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

/**
 * Decodes `data` as a stream consumer would: first only `data[0..split)` is there, so it reads
 * what is complete and keeps its offset on AMF0_TRUNCATED; then the rest arrives.
 */
function decodeSplit(data: Uint8Array, split: number): unknown[] {
  const decoder = new Amf0Decoder();
  const values: unknown[] = [];
  decoder.setBuffer(data.subarray(0, split));
  while (decoder.remaining > 0) {
    try {
      values.push(decoder.readValue());
    } catch (error) {
      expect(Amf0Error.isInstance(error) && error.code).toBe('AMF0_TRUNCATED');
      break;
    }
  }
  decoder.setBuffer(data, decoder.offset);
  while (decoder.remaining > 0) values.push(decoder.readValue());
  return values;
}

describe('spec vectors', () => {
  for (const vector of specVectors) {
    const data = bytes(vector.hex);
    it(`${vector.name}: decode`, () => {
      expect(decode(data)).toEqual(vector.value);
    });
    it(`${vector.name}: lossless round trip is byte-exact`, () => {
      expect(encodeNode(decodeNode(data))).toEqual(data);
    });
    it(`${vector.name}: plain round trip`, () => {
      expect(decode(encode(decode(data)))).toEqual(vector.value);
    });
    it(`${vector.name}: decode fed split at every byte`, () => {
      for (let split = 0; split <= data.length; split++)
        expect(decodeSplit(data, split)).toEqual([vector.value]);
    });
  }

  it('plain encode of everyday values gives the spec bytes', () => {
    expect(encode(1)).toEqual(bytes('003ff0000000000000'));
    expect(encode('connect')).toEqual(bytes('020007636f6e6e656374'));
    expect(encode({ app: 'live' })).toEqual(bytes('0300036170700200046c697665000009'));
    expect(encode(['hvc1'])).toEqual(bytes('0a00000001020004' + '68766331'));
    expect(encode(null)).toEqual(bytes('05'));
    expect(encode(undefined)).toEqual(bytes('06'));
    expect(encode(true)).toEqual(bytes('0101'));
    expect(encode(new Map([['a', 1]]))).toEqual(
      bytes('08' + '00000001' + '0001' + '61' + '003ff0000000000000' + '000009'),
    );
  });

  it('lossless nodes keep what plain values lose', () => {
    expect(decodeNode(bytes(specVectors.find((v) => v.name.startsWith('date'))!.hex))).toEqual({
      type: 'date',
      value: Date.UTC(2012, 11, 21),
      timezone: -60,
    });
    expect(decodeNode(bytes('10' + '0005' + '506f696e74' + '000009'))).toEqual({
      type: 'typed-object',
      className: 'Point',
      entries: [],
    });
    expect(decodeNode(bytes('0c00000000'))).toEqual({ type: 'long-string', value: '' });
    expect(decodeNode(bytes('0d'))).toEqual({ type: 'unsupported' });
    expect(decodeNode(bytes('0a' + '00000002' + '03' + '000009' + '07' + '0001'))).toEqual({
      type: 'strict-array',
      items: [
        { type: 'object', entries: [] },
        { type: 'reference', index: 1 },
      ],
    });
  });

  it('a reference resolves to the very same JS value', () => {
    const [first, second] = decode(bytes('0a' + '00000002' + '03' + '000009' + '07' + '0001')) as object[];
    expect(second).toBe(first);
  });
});

describe('captured from FFmpeg and nginx-rtmp', () => {
  const expected: Record<string, unknown[]> = {
    connect: [
      'connect',
      1,
      {
        app: 'live',
        type: 'nonprivate',
        flashVer: 'FMLE/3.0 (compatible; Lavf59.27.100)',
        tcUrl: 'rtmp://127.0.0.1:34759/live',
      },
    ],
    releaseStream: ['releaseStream', 2, null, 'capture'],
    FCPublish: ['FCPublish', 3, null, 'capture'],
    createStream: ['createStream', 4, null],
    publish: ['publish', 5, null, 'capture', 'live'],
    resultCreateStream: ['_result', 4, null, 1],
    resultConnect: [
      '_result',
      1,
      { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
      {
        level: 'status',
        code: 'NetConnection.Connect.Success',
        description: 'Connection succeeded.',
        objectEncoding: 0,
      },
    ],
    onStatusPublishStart: [
      'onStatus',
      0,
      null,
      { level: 'status', code: 'NetStream.Publish.Start', description: 'Start publishing' },
    ],
    onStatusUnpublishSuccess: [
      'onStatus',
      0,
      null,
      { level: 'status', code: 'NetStream.Unpublish.Success', description: 'Stop publishing' },
    ],
    setDataFrame: [
      '@setDataFrame',
      'onMetaData',
      {
        duration: 0,
        width: 320,
        height: 240,
        videodatarate: 0,
        framerate: 10,
        videocodecid: 7,
        audiodatarate: 62.5,
        audiosamplerate: 44100,
        audiosamplesize: 16,
        stereo: false,
        audiocodecid: 10,
        encoder: 'Lavf59.27.100',
        filesize: 0,
      },
    ],
    flvOnMetaData: [
      'onMetaData',
      {
        duration: 1.023,
        width: 320,
        height: 240,
        videodatarate: 0,
        framerate: 10,
        videocodecid: 7,
        audiodatarate: 62.5,
        audiosamplerate: 44100,
        audiosamplesize: 16,
        stereo: false,
        audiocodecid: 10,
        encoder: 'Lavf59.27.100',
        filesize: 25147,
      },
    ],
  };

  const carriesEcmaArray = new Set(['setDataFrame', 'flvOnMetaData']);
  for (const vector of [...ffmpegPublish, flvOnMetaData]) {
    const data = bytes(vector.hex);
    const values = expected[vector.name]!;
    it(`${vector.name}: decode`, () => {
      expect(decodeAll(data)).toEqual(values);
    });
    it(`${vector.name}: encode`, () => {
      // Plain objects encode as 0x03; the metadata travels as an ECMA array (0x08), so for those
      // the lossless path is the byte-exact one.
      if (carriesEcmaArray.has(vector.name)) {
        expect(decodeAll(encodeAll(values))).toEqual(values);
      } else {
        expect(encodeAll(values)).toEqual(data);
      }
    });
    it(`${vector.name}: lossless round trip is byte-exact`, () => {
      expect(encodeAllNodes(decodeAllNodes(data))).toEqual(data);
    });
    it(`${vector.name}: decode fed split at every byte`, () => {
      for (let split = 0; split <= data.length; split++) expect(decodeSplit(data, split)).toEqual(values);
    });
  }

  it('keeps the metadata key order and the ECMA array marker losslessly', () => {
    const [, , metadata] = decodeAllNodes(bytes(ffmpegPublish.find((v) => v.name === 'setDataFrame')!.hex));
    expect(metadata?.type).toBe('ecma-array');
    if (metadata?.type !== 'ecma-array') return;
    expect(metadata.count).toBe(13);
    expect(metadata.entries.map(([key]) => key)).toEqual([
      'duration',
      'width',
      'height',
      'videodatarate',
      'framerate',
      'videocodecid',
      'audiodatarate',
      'audiosamplerate',
      'audiosamplesize',
      'stereo',
      'audiocodecid',
      'encoder',
      'filesize',
    ]);
  });
});

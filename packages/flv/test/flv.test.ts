import { Readable } from 'node:stream';
import { fc, test } from '@fast-check/vitest';
import {
  encodeFlvHeader,
  encodeFlvTag,
  FlvError,
  type FlvErrorCode,
  FlvReader,
  type FlvReadItem,
  type FlvTag,
  isKeyframeBody,
  messageToFlvTag,
  metadataTag,
  readFlv,
  readMetadata,
} from '@rtmp/flv';
import { toHex } from '@rtmp/test-helpers';
import { describe, expect, it } from 'vitest';

const file = (tags: FlvTag[]) =>
  Buffer.concat([encodeFlvHeader({ hasAudio: true, hasVideo: true }), ...tags.flatMap(encodeFlvTag)]);

function readAll(pieces: Uint8Array[], options?: ConstructorParameters<typeof FlvReader>[0]) {
  const reader = new FlvReader(options);
  const items: FlvReadItem[] = [];
  for (const piece of pieces) {
    reader.push(piece);
    for (let item = reader.next(); item; item = reader.next()) items.push(item);
  }
  return { items, tags: items.flatMap((i) => (i.kind === 'tag' ? [i.tag] : [])), warning: reader.end() };
}
const plain = (tag: FlvTag) => ({
  type: tag.type,
  timestamp: tag.timestamp,
  body: toHex(tag.body),
});
function codeOf(bytes: Uint8Array, options?: ConstructorParameters<typeof FlvReader>[0]): FlvErrorCode {
  try {
    readAll([bytes], options);
  } catch (error) {
    if (FlvError.isInstance(error)) return error.code;
    throw error;
  }
  throw new Error('expected an FlvError');
}

const sample: FlvTag[] = [
  metadataTag({ width: 320, height: 240 }),
  { type: 9, timestamp: 0, body: Uint8Array.of(0x17, 0, 0, 0, 0, 1, 2) },
  { type: 8, timestamp: 0, body: Uint8Array.of(0xaf, 0, 0x12, 0x10) },
  { type: 9, timestamp: 40, body: Uint8Array.of(0x17, 1, 0, 0, 0, 9, 9, 9) },
  { type: 9, timestamp: 0x01020304, body: Uint8Array.of(0x27, 1, 0, 0, 0, 7) }, // uses the extended byte
];

describe('FlvReader / writer', () => {
  it('reads what the writer wrote: header, tags with offsets, SI32 timestamps', () => {
    const { items, tags, warning } = readAll([file(sample)]);
    expect(items[0]).toEqual({ kind: 'header', header: { version: 1, hasAudio: true, hasVideo: true } });
    expect(tags.map(plain)).toEqual(sample.map(plain));
    expect(tags[0]!.offset).toBe(13);
    expect(warning).toBeUndefined();
    expect(toHex(encodeFlvHeader({ hasAudio: true, hasVideo: true }))).toBe('464c5601050000000900000000');
  });

  test.prop([
    fc.array(
      fc.record({
        type: fc.constantFrom(8, 9, 18),
        timestamp: fc.nat({ max: 0xffffffff }),
        body: fc.uint8Array({ maxLength: 300 }),
      }),
      { maxLength: 20 },
    ),
    fc.array(fc.nat(), { maxLength: 6 }),
  ])('any tags, any split: read back equal', (tags, cuts) => {
    const bytes = file(tags as FlvTag[]);
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const pieces = [0, ...points, bytes.length]
      .slice(1)
      .map((end, i) => bytes.subarray([0, ...points][i]!, end));
    expect(readAll(pieces).tags.map(plain)).toEqual((tags as FlvTag[]).map(plain));
  });

  it('truncated at every offset: complete tags only, then FLV_TRUNCATED unless the cut fell between tags', () => {
    const bytes = file(sample);
    const boundaries = new Set([13]);
    let at = 13;
    for (const tag of sample) {
      at += 11 + tag.body.length + 4;
      boundaries.add(at);
    }
    for (let cut = 0; cut < bytes.length; cut++) {
      const { tags, warning } = readAll([bytes.subarray(0, cut)]);
      expect(tags.map(plain)).toEqual(sample.slice(0, tags.length).map(plain));
      if (boundaries.has(cut)) expect(warning).toBeUndefined();
      else expect(warning?.code).toBe('FLV_TRUNCATED');
    }
  });

  it('rejects garbage with typed errors', () => {
    expect(codeOf(Buffer.from('GIF89a plus more bytes'))).toBe('FLV_BAD_SIGNATURE');
    expect(codeOf(Buffer.from('464c5601050000ffff00000000', 'hex'))).toBe('FLV_BAD_HEADER');
    const good = file(sample);
    const unknown = Buffer.from(good);
    unknown[13] = 0x07;
    expect(codeOf(unknown)).toBe('FLV_UNKNOWN_TAG_TYPE');
    const filtered = Buffer.from(good);
    filtered[13] = 0x20 | 18;
    expect(codeOf(filtered)).toBe('FLV_FILTERED_TAG');
    expect(codeOf(good, { maxTagSize: 5 })).toBe('FLV_TAG_TOO_LARGE');
    const badSize = Buffer.from(good);
    badSize[13 + 11 + sample[0]!.body.length + 3]! ^= 1;
    expect(codeOf(badSize)).toBe('FLV_BAD_PREVIOUS_TAG_SIZE');
    expect(readAll([badSize], { validatePreviousTagSize: false }).tags.length).toBe(sample.length);
  });

  it('RTMP messages become tags; @setDataFrame is stripped; other message types are not tags', () => {
    const metadata = metadataTag({ a: 1 });
    const withPrefix = Buffer.concat([Buffer.from('02000d40736574446174614672616d65', 'hex'), metadata.body]);
    const stripped = messageToFlvTag({ typeId: 18, timestamp: 0, payload: withPrefix })!.body;
    expect(Buffer.from(stripped).equals(metadata.body)).toBe(true);
    expect(messageToFlvTag({ typeId: 18, timestamp: 0, payload: metadata.body })?.body).toEqual(
      metadata.body,
    );
    expect(messageToFlvTag({ typeId: 9, timestamp: 5, payload: Uint8Array.of(1) })).toEqual({
      type: 9,
      timestamp: 5,
      body: Uint8Array.of(1),
    });
    expect(messageToFlvTag({ typeId: 20, timestamp: 0, payload: Uint8Array.of(1) })).toBeUndefined();
    expect(readMetadata(metadata.body)).toEqual({ a: 1 });
    expect(readMetadata(Uint8Array.of(0xff))).toBeUndefined();
  });

  const hvc1 = [0x68, 0x76, 0x63, 0x31];
  it('keyframes: legacy and enhanced, not sequence headers', () => {
    expect(isKeyframeBody(Uint8Array.of(0x17, 1))).toBe(true);
    expect(isKeyframeBody(Uint8Array.of(0x17, 0))).toBe(false);
    expect(isKeyframeBody(Uint8Array.of(0x27, 1))).toBe(false);
    expect(isKeyframeBody(Uint8Array.of(0x91, 0x68))).toBe(true);
    expect(isKeyframeBody(Uint8Array.of(0x90, 0x68))).toBe(false);
    expect(isKeyframeBody(new Uint8Array(0))).toBe(false);
    expect(isKeyframeBody(Uint8Array.of(0x17, 2, 0, 0, 0))).toBe(false); // AVC end of sequence
    expect(isKeyframeBody(Uint8Array.of(0x12, 0))).toBe(true); // Sorenson H.263 keyframe
  });

  it.each<[string, number[], boolean]>([
    // The first four as FFmpeg 8.1 writes a second (HEVC) video track and its end.
    ['a multitrack keyframe of track 1 alone', [0x96, 0x01, ...hvc1, 1, 0, 0, 0, 0x26], false],
    ['a multitrack SequenceStart of track 1', [0x96, 0x00, ...hvc1, 1, 1], false],
    ['a multitrack keyframe of track 0 (CodedFramesX)', [0x96, 0x03, ...hvc1, 0, 0x26], true],
    ['an enhanced SequenceEnd', [0x92, ...hvc1], false],
    ['video metadata (colorInfo), frame type Command', [0xd4, ...hvc1, 2, 0, 9], false],
    ['video metadata with frame type Keyframe', [0x94, ...hvc1, 2, 0, 9], false],
    [
      'a ManyTracks keyframe whose second track is 0',
      [0x96, 0x11, ...hvc1, 2, 0, 0, 1, 0xaa, 0, 0, 0, 1, 0xbb],
      true,
    ],
    [
      'a ManyTracksManyCodecs keyframe without track 0',
      [0x96, 0x21, ...hvc1, 1, 0, 0, 1, 0xaa, ...hvc1, 2, 0, 0, 0],
      false,
    ],
    ['a ModEx timestamp offset, then a keyframe', [0x97, 2, 0, 0x10, 0, 0x01, ...hvc1, 0, 0, 0], true],
    ['a ModEx cut short', [0x97, 0xff, 0x00], false],
    ['a multitrack header cut short', [0x96, 0x11, ...hvc1], false],
  ])('keyframes: %s is %s', (_name, bytes, keyframe) => {
    expect(isKeyframeBody(Uint8Array.from(bytes))).toBe(keyframe);
  });

  it('readFlv reads any Readable in pieces', async () => {
    const bytes = file(sample);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
      bytes.subarray(i * 7, i * 7 + 7),
    );
    const items = [];
    for await (const item of readFlv(Readable.from(pieces))) items.push(item);
    expect(items.filter((i) => i.kind === 'tag').length).toBe(sample.length);
  });
});

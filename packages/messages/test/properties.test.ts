import { fc, test } from '@fast-check/vitest';
import { decodeMessage, encodeMessage, type RtmpMessage } from '@rtmp/messages';
import { describe, expect } from 'vitest';

const base = { streamId: fc.nat(), timestamp: fc.nat() };
const u32 = fc.nat({ max: 0xffffffff });
const bytes = fc.uint8Array({ maxLength: 64 });
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\0'));
// Values that survive AMF0 plain decoding unchanged (no ECMA arrays: they come back as objects).
const amfValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(text, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const userControlEvent = fc.oneof(
  fc.record({
    kind: fc.constantFrom(
      'stream-begin',
      'stream-eof',
      'stream-dry',
      'stream-is-recorded',
      'buffer-empty',
      'buffer-ready',
    ),
    streamId: u32,
  }),
  fc.record({ kind: fc.constant('set-buffer-length'), streamId: u32, bufferLength: u32 }),
  fc.record({ kind: fc.constantFrom('ping-request', 'ping-response'), timestamp: u32 }),
  fc.constant({ kind: 'swf-verification-request' }),
  fc.record({ kind: fc.constant('swf-verification-response'), data: bytes }),
  fc.record({ kind: fc.constant('unknown'), eventType: fc.constantFrom(5, 8, 40, 0xffff), data: bytes }),
);

const message: fc.Arbitrary<RtmpMessage> = fc.oneof(
  fc.record({ type: fc.constant('set-chunk-size'), ...base, size: fc.integer({ min: 1, max: 0x7fffffff }) }),
  fc.record({ type: fc.constant('abort'), ...base, chunkStreamId: u32 }),
  fc.record({ type: fc.constant('acknowledgement'), ...base, sequenceNumber: u32 }),
  fc.record({
    type: fc.constant('window-acknowledgement-size'),
    ...base,
    window: fc.integer({ min: 1, max: 0x7fffffff }),
  }),
  fc.record({ type: fc.constant('set-peer-bandwidth'), ...base, window: u32, limitType: fc.nat(255) }),
  fc.record({ type: fc.constant('user-control'), ...base, event: userControlEvent }),
  fc.record({ type: fc.constantFrom('audio', 'video'), ...base, payload: bytes }),
  fc.record({
    type: fc.constant('command'),
    ...base,
    name: text,
    transactionId: fc.double({ noNaN: true, noDefaultInfinity: true }),
    commandObject: amfValue,
    args: fc.array(amfValue, { maxLength: 3 }),
    form: fc.constantFrom('amf0', 'amf3'),
  }),
  fc.record({
    type: fc.constant('data'),
    ...base,
    name: text,
    values: fc.array(amfValue, { maxLength: 3 }),
    form: fc.constantFrom('amf0', 'amf3'),
  }),
  fc.record({
    type: fc.constant('shared-object'),
    ...base,
    name: fc.string({ maxLength: 10 }),
    version: u32,
    flags: u32,
    events: fc.array(fc.record({ eventType: fc.nat(255), data: bytes }), { maxLength: 3 }),
    form: fc.constantFrom('amf0', 'amf3'),
  }),
  fc.record({
    type: fc.constant('unknown'),
    ...base,
    typeId: fc.constantFrom(0, 7, 23, 200),
    payload: bytes,
  }),
) as fc.Arbitrary<RtmpMessage>;

describe('every message kind', () => {
  test.prop([message], { numRuns: 500 })('decodeMessage(encodeMessage(m)) equals m', (m) => {
    expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  test.prop([fc.nat(255), fc.uint8Array({ maxLength: 200 })], { numRuns: 1000 })(
    'arbitrary payloads of any type decode or throw a typed error, never anything else',
    (typeId, payload) => {
      try {
        decodeMessage({ typeId, streamId: 1, timestamp: 0, payload });
      } catch (error) {
        expect((error as { name: string }).name).toMatch(/^(MessageError|ChunkError)$/);
      }
    },
  );
});

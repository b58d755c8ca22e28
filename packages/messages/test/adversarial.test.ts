// Cases of ../shared/adversarial-plan.md that belong to the message layer: D1-D3, D5-D7, D9, D11,
// D12, D14, C23-C26, and A7/A11 as commands see them. D4, D8, D10 and D13 are session state (the
// server's); here the parsers give the typed errors the session turns into `_error`/onStatus.
import { encodeAll } from '@rtmp/amf0';
import {
  aggregateMedia,
  buildSetDataFrame,
  command,
  decodeMessage,
  encodeAggregate,
  encodeMessage,
  isKeyframe,
  isVideoSequenceHeader,
  MessageError,
  type MessageErrorCode,
  parseConnect,
  parseCreateStreamResult,
  parseDeleteStream,
  parseMetadata,
  parsePlay,
  parsePublish,
  parseStatus,
  parseVideoHeader,
  TransactionTable,
  videoCodec,
} from '@rtmp/messages';
import { describe, expect, it } from 'vitest';
import { hex } from './support';

const raw = (typeId: number, payload: Uint8Array, streamId = 0) => ({
  typeId,
  streamId,
  timestamp: 0,
  payload,
});
function codeOf(run: () => unknown): MessageErrorCode {
  try {
    run();
  } catch (error) {
    if (MessageError.isInstance(error)) return error.code;
    throw error;
  }
  throw new Error('expected a MessageError');
}
const commandBody = (...values: unknown[]) => raw(20, encodeAll(values));

describe('adversarial plan, message layer', () => {
  it('D1: connect with no command object, or null, a number, a string, an array', () => {
    for (const object of [undefined, null, 5, 'live', ['live']]) {
      const message = decodeMessage(commandBody('connect', 1, ...(object === undefined ? [] : [object])));
      expect(message.type === 'command' && codeOf(() => parseConnect(message))).toBe('MESSAGE_BAD_ARGUMENT');
    }
  });

  it('D2: tcUrl of 10 KB, app over 1024 characters; a missing tcUrl is left to the server', () => {
    const parse = (object: unknown) => {
      const message = decodeMessage(commandBody('connect', 1, object));
      return () => parseConnect(message as never);
    };
    expect(codeOf(parse({ app: 'live', tcUrl: `rtmp://h/${'x'.repeat(10_000)}` }))).toBe(
      'MESSAGE_BAD_ARGUMENT',
    );
    expect(codeOf(parse({ app: 'a'.repeat(1025) }))).toBe('MESSAGE_BAD_ARGUMENT');
    expect(parse({ app: 'live' })()).toMatchObject({ app: 'live' });
    expect(parse({ app: 'live' })().tcUrl).toBeUndefined();
  });

  it('D3: a command name that is a number, an object, empty, or contains NUL', () => {
    for (const name of [5, { a: 1 }, '', 'con\0nect']) {
      expect(codeOf(() => decodeMessage(commandBody(name, 1, null)))).toBe('MESSAGE_BAD_COMMAND');
    }
    expect(codeOf(() => decodeMessage(raw(20, new Uint8Array(0))))).toBe('MESSAGE_BAD_COMMAND');
  });

  it('D5: publish with a name of false, null, a number or "" (Wirecast)', () => {
    for (const name of [false, null, 42, '']) {
      const message = decodeMessage(commandBody('publish', 5, null, name, 'live'));
      expect(message.type === 'command' && codeOf(() => parsePublish(message))).toBe('MESSAGE_BAD_ARGUMENT');
    }
    const noName = decodeMessage(commandBody('publish', 5, null));
    expect(noName.type === 'command' && codeOf(() => parsePublish(noName))).toBe('MESSAGE_BAD_ARGUMENT');
  });

  it('D6: names of 257, 1025 and 65,535 bytes are refused by length (default 1024, or what the caller sets)', () => {
    for (const length of [1025, 65_535]) {
      const message = decodeMessage(commandBody('play', 4, null, 'n'.repeat(length)));
      expect(message.type === 'command' && codeOf(() => parsePlay(message))).toBe('MESSAGE_BAD_ARGUMENT');
    }
    const message = decodeMessage(commandBody('publish', 4, null, 'n'.repeat(257), 'live'));
    expect(message.type === 'command' && codeOf(() => parsePublish(message, 256))).toBe(
      'MESSAGE_BAD_ARGUMENT',
    );
  });

  it('D7: play names with ?vhost=, repeated parameters or percent-encoding come through verbatim', () => {
    for (const name of ['cam?vhost=a.example', 'cam?a=1&a=2', 'c%61m%2F..%2Fx']) {
      const message = decodeMessage(commandBody('play', 4, null, name, -2000));
      expect(message.type === 'command' && parsePlay(message).name).toBe(name);
    }
  });

  it('D9, A11: stream ids of NaN, Infinity, -0, 0, 2^53+1, negative, fractional, or not numbers', () => {
    for (const id of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      0,
      2 ** 53 + 1,
      -1,
      1.5,
      '1',
      null,
      2 ** 31,
    ]) {
      const message = command('deleteStream', 7, null, [id]);
      expect(codeOf(() => parseDeleteStream(message))).toBe('MESSAGE_BAD_ARGUMENT');
      expect(codeOf(() => parseCreateStreamResult(command('_result', 4, null, [id])))).toBe(
        'MESSAGE_BAD_ARGUMENT',
      );
    }
    expect(parseDeleteStream(command('deleteStream', 7, null, [2 ** 31 - 1]))).toBe(2 ** 31 - 1);
  });

  it('A11: a transaction id of NaN or a string is refused; odd finite ones are echoed as they are', () => {
    expect(codeOf(() => decodeMessage(commandBody('connect', Number.NaN, {})))).toBe('MESSAGE_BAD_COMMAND');
    expect(codeOf(() => decodeMessage(commandBody('connect', '1', {})))).toBe('MESSAGE_BAD_COMMAND');
    for (const id of [-0, 2 ** 53 + 2, -5, 1.5]) {
      const message = decodeMessage(commandBody('createStream', id, null));
      expect(message.type === 'command' && Object.is(message.transactionId, id)).toBe(true);
    }
  });

  it('A7: AMF0 references inside a command are refused', () => {
    const withReference = new Uint8Array([
      ...encodeAll(['connect', 1]),
      0x0a,
      0,
      0,
      0,
      2,
      0x03,
      0,
      0,
      9,
      0x07,
      0,
      1,
    ]);
    expect(codeOf(() => decodeMessage(raw(20, withReference)))).toBe('MESSAGE_BAD_AMF');
  });

  it('D11: an answer to a call never made, onStatus without an info object, an unknown server call', () => {
    const table = new TransactionTable();
    expect(table.settle(command('_result', 99, null, [1]))).toBeUndefined();
    const noInfo = decodeMessage(commandBody('onStatus', 0, null));
    expect(noInfo.type === 'command' && codeOf(() => parseStatus(noInfo))).toBe('MESSAGE_BAD_ARGUMENT');
    expect(decodeMessage(commandBody('someServerMethod', 0, null, 'x'))).toMatchObject({
      type: 'command',
      name: 'someServerMethod',
    });
  });

  it('D12: metadata 16 deep, with 10k keys, or NaN and strings in numeric fields stays within limits', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 14; i++) deep = { deep };
    expect(parseMetadata(decodeMessage(encodeMessage(buildSetDataFrame(1, deep))) as never)).toEqual(deep);
    const tooDeep = encodeAll(
      ['@setDataFrame', 'onMetaData', { a: deep, b: { c: 1 } }, { x: { y: { z: deep } } }],
      { maxDepth: 32 },
    );
    expect(codeOf(() => decodeMessage(raw(18, tooDeep, 1)))).toBe('MESSAGE_BAD_AMF');
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    expect(
      Object.keys(parseMetadata(decodeMessage(encodeMessage(buildSetDataFrame(1, wide))) as never)!).length,
    ).toBe(10_000);
    const odd = { width: Number.NaN, height: '720', videocodecid: 'avc1' };
    expect(parseMetadata(decodeMessage(encodeMessage(buildSetDataFrame(1, odd))) as never)).toEqual(odd);
  });

  it('D14: empty, 1-byte and truncated video tags give typed errors or safe answers, never a crash', () => {
    expect(codeOf(() => parseVideoHeader(new Uint8Array(0)))).toBe('MESSAGE_TRUNCATED');
    expect(codeOf(() => parseVideoHeader(hex('17')))).toBe('MESSAGE_TRUNCATED');
    expect(codeOf(() => parseVideoHeader(hex('17 00 00')))).toBe('MESSAGE_TRUNCATED');
    expect(codeOf(() => parseVideoHeader(hex('91 6876')))).toBe('MESSAGE_TRUNCATED');
    expect(codeOf(() => parseVideoHeader(hex('96 11 61763031 00 0000ff aa')))).toBe('MESSAGE_TRUNCATED');
    for (const payload of [new Uint8Array(0), hex('17'), hex('91 6876')]) {
      expect(
        isKeyframe(payload) || isVideoSequenceHeader(payload) || videoCodec(payload) !== undefined,
      ).toBeTypeOf('boolean');
    }
    // A truncated AVC configuration record is still a sequence header: its body is not parsed here.
    expect(parseVideoHeader(hex('17 00 000000 01')).tracks[0]?.packetType).toBe('sequence-start');
  });

  it('C23: user control events too short are MESSAGE_TRUNCATED; unknown events decode as unknown', () => {
    expect(codeOf(() => decodeMessage(raw(4, hex('00'))))).toBe('MESSAGE_TRUNCATED');
    expect(codeOf(() => decodeMessage(raw(4, hex('0000 0000'))))).toBe('MESSAGE_TRUNCATED');
    expect(codeOf(() => decodeMessage(raw(4, hex('0003 00000001 0000'))))).toBe('MESSAGE_TRUNCATED');
    expect(decodeMessage(raw(4, hex('0063 abcd')))).toMatchObject({
      event: { kind: 'unknown', eventType: 0x63, data: hex('abcd') },
    });
    expect(decodeMessage(raw(4, hex('0006 0000002a')))).toMatchObject({
      event: { kind: 'ping-request', timestamp: 42 },
    });
  });

  it('C24: message types 0, 7, 23-255 decode as unknown and pass through', () => {
    for (const typeId of [0, 7, 23, 99, 255]) {
      const message = decodeMessage(raw(typeId, hex('0102')));
      expect(message).toMatchObject({ type: 'unknown', typeId });
      expect(encodeMessage(message).payload).toEqual(hex('0102'));
    }
  });

  it('aggregateMedia: the audio, video and data an aggregate carries, others and unreadable data left out', () => {
    const payload = encodeAggregate([
      { typeId: 9, streamId: 0, timestamp: 0, payload: hex('1701000000') },
      { typeId: 4, streamId: 0, timestamp: 0, payload: hex('000600000001') },
      { typeId: 18, streamId: 0, timestamp: 0, payload: hex('0205') }, // a string that runs past the end
      { typeId: 8, streamId: 0, timestamp: 20, payload: hex('af01') },
    ]);
    const message = decodeMessage({ typeId: 22, streamId: 1, timestamp: 100, payload });
    if (message.type !== 'aggregate') throw new Error('not an aggregate');
    expect(aggregateMedia(message).map((m) => [m.type, m.streamId, m.timestamp])).toEqual([
      ['video', 1, 100],
      ['audio', 1, 120],
    ]);
  });

  it('C25: aggregate sub-messages overrunning, of size 0, or with a wrong back-pointer', () => {
    const good = encodeAggregate([
      { typeId: 9, streamId: 0, timestamp: 1000, payload: hex('1701000000') },
      { typeId: 8, streamId: 0, timestamp: 1023, payload: new Uint8Array(0) },
    ]);
    const message = decodeMessage({ typeId: 22, streamId: 1, timestamp: 5000, payload: good });
    expect(
      message.type === 'aggregate' &&
        message.messages.map((m) => [m.typeId, m.streamId, m.timestamp, m.payload.length]),
    ).toEqual([
      [9, 1, 5000, 5],
      [8, 1, 5023, 0],
    ]);
    const overrun = good.slice();
    overrun[3] = 0xff;
    expect(codeOf(() => decodeMessage(raw(22, overrun)))).toBe('MESSAGE_BAD_AGGREGATE');
    const wrongBack = good.slice();
    wrongBack[11 + 5 + 3] = wrongBack[11 + 5 + 3]! ^ 1; // the back-pointer's last byte
    expect(codeOf(() => decodeMessage(raw(22, wrongBack)))).toBe('MESSAGE_BAD_AGGREGATE');
    expect(codeOf(() => decodeMessage(raw(22, good.subarray(0, 7))))).toBe('MESSAGE_BAD_AGGREGATE');
  });

  it('C26: control messages on a message stream other than 0 decode the same', () => {
    expect(decodeMessage(raw(1, hex('00001000'), 5))).toMatchObject({
      type: 'set-chunk-size',
      size: 4096,
      streamId: 5,
    });
    expect(decodeMessage(raw(5, hex('004c4b40'), 1))).toMatchObject({
      type: 'window-acknowledgement-size',
      window: 5_000_000,
    });
  });

  it('the "AMF3" forms: format byte 0 then AMF0 values decodes; any other format byte is MESSAGE_UNSUPPORTED_FORMAT', () => {
    const body = encodeAll(['connect', 1, { app: 'live' }]);
    const amf3 = new Uint8Array([0, ...body]);
    expect(decodeMessage(raw(17, amf3))).toMatchObject({ type: 'command', name: 'connect', form: 'amf3' });
    expect(decodeMessage(encodeMessage(decodeMessage(raw(17, amf3))))).toEqual(decodeMessage(raw(17, amf3)));
    expect(codeOf(() => decodeMessage(raw(17, new Uint8Array([3, ...body]))))).toBe(
      'MESSAGE_UNSUPPORTED_FORMAT',
    );
  });

  it('a name or transaction id that is a cyclic AMF3 value, or an object with its own toString, is a typed error (fuzzer find)', () => {
    const crash = Buffer.from('1100111011100d01000075000d010011000100010001', 'hex');
    expect(codeOf(() => decodeMessage(raw(crash[0]!, crash.subarray(1))))).toMatch(/^MESSAGE_/);
    const toStringObject = new Uint8Array([
      ...encodeAll(['x']),
      0x03,
      0x00,
      0x08,
      ...Buffer.from('toString'),
      0x00,
      0x40,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      9,
    ]);
    expect(codeOf(() => decodeMessage(raw(20, toStringObject)))).toBe('MESSAGE_BAD_COMMAND');
  });

  it('an AVM+ value that is not valid AMF3, and one nested inside an AMF0 object, are MESSAGE_BAD_AMF', () => {
    const bad = (payload: Uint8Array) => {
      try {
        decodeMessage(raw(20, payload));
      } catch (error) {
        return [(error as MessageError).code, ((error as MessageError).cause as { code: string }).code];
      }
      return undefined;
    };
    expect(bad(new Uint8Array([...encodeAll(['x', 1]), 0x11, 0x0a, 0x02]))).toEqual([
      'MESSAGE_BAD_AMF',
      'AMF3_BAD_REFERENCE',
    ]);
    expect(
      bad(new Uint8Array([...encodeAll(['x', 1]), 0x03, 0x00, 0x01, 0x61, 0x11, 0x04, 0x01, 0, 0, 9])),
    ).toEqual(['MESSAGE_BAD_AMF', 'AMF0_AVMPLUS_UNSUPPORTED']);
  });
});

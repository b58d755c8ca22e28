// Commands and data in the "AMF3" forms (types 17 and 15) as Flash Player writes them with
// objectEncoding 3: a format byte 0, AMF0 names and numbers, objects behind the AVM+ marker 0x11.
import { encode as amf0 } from '@rtmp/amf0';
import { encode as amf3 } from '@rtmp/amf3';
import { type CommandMessage, type DataMessage, decodeMessage, encodeMessage } from '@rtmp/messages';
import { describe, expect, it } from 'vitest';

const raw = (typeId: number, payload: Uint8Array) => ({ typeId, streamId: 1, timestamp: 0, payload });
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const avm = (value: unknown) => concat(Uint8Array.of(0x11), amf3(value));

describe('AMF3 bodies', () => {
  it('a type-17 play: AMF0 name, transaction id and null, then an AMF3 argument, then AMF0 again (not sticky)', () => {
    const payload = concat(Uint8Array.of(0), amf0('play'), amf0(0), amf0(null), avm('cam1'), amf0(-2000));
    expect(decodeMessage(raw(17, payload))).toMatchObject({
      type: 'command',
      name: 'play',
      transactionId: 0,
      commandObject: null,
      args: ['cam1', -2000],
      form: 'amf3',
    });
  });

  it('AMF3 objects with traits, references and integers decode as plain values', () => {
    const shared = { level: 'status', code: 'NetStream.Play.Start' };
    const payload = concat(
      Uint8Array.of(0),
      amf0('onStatus'),
      amf0(0),
      amf0(null),
      avm([shared, shared, 2 ** 20]),
    );
    const message = decodeMessage(raw(17, payload)) as CommandMessage;
    const [list] = message.args as [unknown[]];
    expect(list).toEqual([shared, shared, 2 ** 20]);
    expect(list[0]).toBe(list[1]);
  });

  it('each AVM+ value has tables of its own: a reference into an earlier one is refused', () => {
    const first = avm({ a: 'x' });
    const refersBack = Uint8Array.of(0x11, 0x06, 0x00); // string reference 0
    expect(() =>
      decodeMessage(raw(17, concat(Uint8Array.of(0), amf0('f'), amf0(1), first, refersBack))),
    ).toThrow(expect.objectContaining({ code: 'MESSAGE_BAD_AMF' }));
  });

  it('an AMF3 value that contains itself is refused (commands and data never do, and logs of them would loop)', () => {
    const self: Record<string, unknown> = { level: 'status' };
    self['self'] = self;
    const payload = concat(Uint8Array.of(0), amf0('onStatus'), amf0(0), amf0(null), avm([self]));
    expect(() => decodeMessage(raw(17, payload))).toThrow(
      expect.objectContaining({
        code: 'MESSAGE_BAD_AMF',
        cause: expect.objectContaining({ code: 'AMF3_BAD_REFERENCE' }),
      }),
    );
    // The same object twice is a reference, not a cycle.
    const shared = { code: 'x' };
    const twice = concat(Uint8Array.of(0), amf0('f'), amf0(0), amf0(null), avm({ a: shared, b: shared }));
    expect((decodeMessage(raw(17, twice)) as CommandMessage).args[0]).toEqual({ a: shared, b: shared });
  });

  it('type-15 data: @setDataFrame with AMF3 metadata', () => {
    const metadata = { width: 1280, height: 720, framerate: 30, videocodecid: 7 };
    const payload = concat(Uint8Array.of(0), amf0('@setDataFrame'), amf0('onMetaData'), avm(metadata));
    expect(decodeMessage(raw(15, payload))).toMatchObject({
      type: 'data',
      name: '@setDataFrame',
      values: ['onMetaData', metadata],
      form: 'amf3',
    });
  });

  it('an AVM+ value in a type-20 (AMF0 form) body decodes too', () => {
    const payload = concat(amf0('connect'), amf0(1), avm({ app: 'live', objectEncoding: 3 }));
    expect(decodeMessage(raw(20, payload))).toMatchObject({
      commandObject: { app: 'live', objectEncoding: 3 },
    });
  });

  it('encoding the AMF3 form: format byte, AMF0 name/number/null, objects behind 0x11; it decodes back', () => {
    const message: CommandMessage = {
      type: 'command',
      streamId: 0,
      timestamp: 0,
      name: '_result',
      transactionId: 1,
      commandObject: { fmsVer: 'FMS/3,5,7,7009', capabilities: 31 },
      args: [{ level: 'status', code: 'NetConnection.Connect.Success', objectEncoding: 3 }, null],
      form: 'amf3',
    };
    const { typeId, payload } = encodeMessage(message);
    expect(typeId).toBe(17);
    expect(Buffer.from(payload).toString('hex')).toBe(
      Buffer.from(
        concat(
          Uint8Array.of(0),
          amf0('_result'),
          amf0(1),
          avm(message.commandObject),
          avm(message.args[0]),
          amf0(null),
        ),
      ).toString('hex'),
    );
    expect(decodeMessage({ typeId, streamId: 0, timestamp: 0, payload })).toEqual(message);
    const data: DataMessage = {
      type: 'data',
      streamId: 1,
      timestamp: 0,
      name: 'onMetaData',
      values: [{ width: 640 }],
      form: 'amf3',
    };
    const encoded = encodeMessage(data);
    expect(encoded.typeId).toBe(15);
    expect(decodeMessage({ ...encoded, streamId: 1, timestamp: 0 })).toEqual(data);
  });
});

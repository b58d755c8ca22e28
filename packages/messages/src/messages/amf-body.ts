import { Amf0Decoder, type Amf0DecoderOptions, Amf0Error, decodeAll, encode, encodeAll } from '@rtmp/amf0';
import { Amf3Decoder, Amf3Error, encode as encodeAmf3 } from '@rtmp/amf3';
import { MessageError } from '../errors';
import type { AmfForm } from '../message-type';

/**
 * AMF limits for command and data bodies: references are refused (no encoder in the wild sends
 * them, and they are a known attack), and a top-level object whose end marker is missing at the
 * very end of the message is accepted, as nginx-rtmp does for some encoders.
 */
export const COMMAND_AMF_OPTIONS: Amf0DecoderOptions = { maxReferences: 0, allowMissingObjectEnd: true };

/** AMF0's AVM+ marker: the one value after it is AMF3 (AMF0 spec §3.1; Enhanced RTMP v2). */
const AVM_PLUS = 0x11;

/**
 * The values of a command, data or shared object body. The "AMF3" forms (17, 15, 16) start with a
 * format byte that must be 0; then come AMF0 values, any of which may be the AVM+ marker (0x11) and
 * one AMF3 value, in either form. The switch is not sticky: the next value is AMF0 again. Each AMF3
 * value starts with empty reference tables.
 * @throws {@link MessageError} `MESSAGE_UNSUPPORTED_FORMAT` or `MESSAGE_BAD_AMF` (cause: the Amf0Error
 *   or Amf3Error).
 */
export function decodeAmfBody(
  payload: Uint8Array,
  form: AmfForm,
  typeId: number,
  options: Amf0DecoderOptions,
): unknown[] {
  let body = payload;
  if (form === 'amf3') {
    if (payload.length > 0 && payload[0] !== 0) {
      throw new MessageError(
        'MESSAGE_UNSUPPORTED_FORMAT',
        `AMF3-form message with format byte ${payload[0]}`,
        { typeId },
      );
    }
    body = payload.subarray(1);
  }
  try {
    try {
      return decodeAll(body, options);
    } catch (error) {
      if (!Amf0Error.isInstance(error) || error.code !== 'AMF0_AVMPLUS_UNSUPPORTED') throw error;
      return decodeMixed(body, options);
    }
  } catch (error) {
    const amf = Amf0Error.isInstance(error) ? 'AMF0' : Amf3Error.isInstance(error) ? 'AMF3' : undefined;
    if (amf === undefined) throw error;
    throw new MessageError(
      'MESSAGE_BAD_AMF',
      `type ${typeId} body is not valid ${amf}: ${(error as Error).message}`,
      {
        typeId,
        cause: error,
      },
    );
  }
}

/** AMF0 values with AMF3 ones behind AVM+ markers. */
function decodeMixed(body: Uint8Array, options: Amf0DecoderOptions): unknown[] {
  const amf0 = new Amf0Decoder(options).setBuffer(body);
  const amf3 = new Amf3Decoder();
  const values: unknown[] = [];
  while (amf0.remaining > 0) {
    if (body[amf0.offset] !== AVM_PLUS) {
      values.push(amf0.readValue());
      continue;
    }
    amf3.setBuffer(body, amf0.offset + 1);
    const value = amf3.readValue();
    if (cyclic(value))
      throw new Amf3Error(
        'AMF3_BAD_REFERENCE',
        'a reference to an enclosing value (a cycle)',
        amf0.offset + 1,
      );
    values.push(value);
    amf0.setBuffer(body, amf3.offset);
  }
  return values;
}

/**
 * Whether a decoded AMF3 value contains itself. AMF3 can say so (a reference to an enclosing
 * object); a command or data value cannot, as AMF0 cannot: logs, JSON and copies of it would loop.
 */
function cyclic(value: unknown, enclosing = new Set<object>()): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof Date)
    return false;
  if (enclosing.has(value)) return true;
  enclosing.add(value);
  const children = value instanceof Map ? [...value.keys(), ...value.values()] : Object.values(value);
  const found = children.some((child) => cyclic(child, enclosing));
  enclosing.delete(value);
  return found;
}

/**
 * Encodes values as a command or data body in the given form. The "AMF3" form writes the format
 * byte, then names, numbers, booleans and null as AMF0 (any reader gets the command name and
 * transaction id) and every object behind an AVM+ marker as AMF3, as Flash Player does. A `Map`
 * (what AMF0 writes as an ECMA array, e.g. metadata) goes as an AMF3 object of its entries.
 */
export function encodeAmfBody(values: readonly unknown[], form: AmfForm): Uint8Array {
  if (form === 'amf0') return encodeAll(values);
  const parts: Uint8Array[] = [Uint8Array.of(0)];
  for (const value of values) {
    if (typeof value === 'object' && value !== null) {
      const object = value instanceof Map ? Object.fromEntries(value) : value;
      parts.push(Uint8Array.of(AVM_PLUS), encodeAmf3(object));
    } else parts.push(encode(value));
  }
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

import { type Amf0DecoderOptions, Amf0Error, decodeAll, encodeAll } from '@rtmp/amf0';
import { MessageError } from '../errors';
import type { AmfForm } from '../message-type';

/**
 * AMF limits for command and data bodies: references are refused (no encoder in the wild sends
 * them, and they are a known attack), and a top-level object whose end marker is missing at the
 * very end of the message is accepted, as nginx-rtmp does for some encoders.
 */
export const COMMAND_AMF_OPTIONS: Amf0DecoderOptions = { maxReferences: 0, allowMissingObjectEnd: true };

/**
 * The AMF0 values of a command, data or shared object body. The "AMF3" forms (17, 15, 16) start
 * with a format byte that must be 0; the values are AMF0 all the same.
 * @throws {@link MessageError} `MESSAGE_UNSUPPORTED_FORMAT` or `MESSAGE_BAD_AMF` (cause: the Amf0Error).
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
    return decodeAll(body, options);
  } catch (error) {
    if (!Amf0Error.isInstance(error)) throw error;
    throw new MessageError('MESSAGE_BAD_AMF', `type ${typeId} body is not valid AMF0: ${error.message}`, {
      typeId,
      cause: error,
    });
  }
}

/** Encodes values as a command or data body in the given form. */
export function encodeAmfBody(values: readonly unknown[], form: AmfForm): Uint8Array {
  const body = encodeAll(values);
  if (form === 'amf0') return body;
  const out = new Uint8Array(body.length + 1);
  out.set(body, 1);
  return out;
}

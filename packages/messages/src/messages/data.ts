import type { Amf0DecoderOptions } from '@rtmp/amf0';
import { describe } from '../commands/command-builder';
import { MessageError } from '../errors';
import type { AmfForm } from '../message-type';
import { decodeAmfBody, encodeAmfBody } from './amf-body';
import { isUsableName } from './command';
import type { MessageBase } from './message-base';

/**
 * A data message (type 18, or 15 in the "AMF3" form): a name, then values, no transaction id.
 * `"@setDataFrame", "onMetaData", {...}` from publishers, `"onMetaData", {...}` and
 * `"|RtmpSampleAccess", true, true` from servers.
 */
export interface DataMessage extends MessageBase {
  readonly type: 'data';
  readonly name: string;
  readonly values: readonly unknown[];
  readonly form: AmfForm;
}

/**
 * Reads a data body.
 * @throws {@link MessageError} `MESSAGE_BAD_AMF`, `MESSAGE_UNSUPPORTED_FORMAT`, or `MESSAGE_BAD_DATA`
 *   when the first value is not a usable name.
 */
export function decodeData(
  payload: Uint8Array,
  form: AmfForm,
  typeId: number,
  base: MessageBase,
  options: Amf0DecoderOptions,
): DataMessage {
  const [name, ...values] = decodeAmfBody(payload, form, typeId, options);
  if (!isUsableName(name)) {
    throw new MessageError('MESSAGE_BAD_DATA', `data message name ${describe(name)} is not a usable string`, {
      typeId,
    });
  }
  return { type: 'data', ...base, name, values, form };
}

/**
 * The payload of a data message. Values are written as given: a plain object as an AMF0 object, a
 * `Map` as an ECMA array (the metadata builders use one, as FFmpeg and OBS send metadata).
 */
export function encodeData(message: DataMessage): Uint8Array {
  return encodeAmfBody([message.name, ...message.values], message.form);
}

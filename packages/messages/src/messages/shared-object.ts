import { MessageError } from '../errors';
import type { AmfForm } from '../message-type';
import type { MessageBase } from './message-base';

/** One event of a shared object message: its type (1 Use ... 11 UseSuccess) and raw data. */
export interface SharedObjectEvent {
  readonly eventType: number;
  readonly data: Uint8Array;
}

/**
 * A shared object message (type 19, or 16 in the "AMF3" form), decoded to its structure: object
 * name, version, persistence flags and events with their raw data. No mainstream peer uses them.
 * Layout (RTMP 1.0 §7.1.3 leaves widths implicit; as Red5 and FMS use it): u16 name length, name,
 * u32 version, u32 flags, u32 reserved, then events of u8 type, u32 length, data.
 */
export interface SharedObjectMessage extends MessageBase {
  readonly type: 'shared-object';
  readonly name: string;
  readonly version: number;
  readonly flags: number;
  readonly events: readonly SharedObjectEvent[];
  readonly form: AmfForm;
}

const truncated = (typeId: number, what: string) =>
  new MessageError('MESSAGE_TRUNCATED', `shared object message ends inside ${what}`, { typeId });

/**
 * Reads a shared object body.
 * @throws {@link MessageError} `MESSAGE_TRUNCATED` when a length runs past the end.
 */
export function decodeSharedObject(
  payload: Uint8Array,
  form: AmfForm,
  typeId: number,
  base: MessageBase,
): SharedObjectMessage {
  const body = form === 'amf3' && payload[0] === 0 ? payload.subarray(1) : payload;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (body.length < 2) throw truncated(typeId, 'the name');
  const nameLength = view.getUint16(0);
  if (body.length < 2 + nameLength + 12) throw truncated(typeId, 'the header');
  const name = new TextDecoder().decode(body.subarray(2, 2 + nameLength));
  const version = view.getUint32(2 + nameLength);
  const flags = view.getUint32(6 + nameLength);
  const events: SharedObjectEvent[] = [];
  for (let at = 14 + nameLength; at < body.length; ) {
    if (body.length - at < 5) throw truncated(typeId, 'an event header');
    const length = view.getUint32(at + 1);
    if (body.length - at - 5 < length) throw truncated(typeId, 'an event');
    events.push({ eventType: body[at]!, data: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return { type: 'shared-object', ...base, name, version, flags, events, form };
}

/** The payload of a shared object message. */
export function encodeSharedObject(message: SharedObjectMessage): Uint8Array {
  const name = new TextEncoder().encode(message.name);
  const size =
    (message.form === 'amf3' ? 1 : 0) +
    14 +
    name.length +
    message.events.reduce((n, e) => n + 5 + e.data.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = message.form === 'amf3' ? 1 : 0;
  view.setUint16(at, name.length);
  out.set(name, at + 2);
  at += 2 + name.length;
  view.setUint32(at, message.version >>> 0);
  view.setUint32(at + 4, message.flags >>> 0);
  at += 12;
  for (const event of message.events) {
    out[at] = event.eventType;
    view.setUint32(at + 1, event.data.length);
    out.set(event.data, at + 5);
    at += 5 + event.data.length;
  }
  return out;
}

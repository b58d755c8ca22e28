import type { RawMessage } from '@rtmp/chunk';
import { MessageError } from '../errors';
import { MessageType } from '../message-type';
import type { MessageBase } from './message-base';

/**
 * An aggregate message (type 22): a run of FLV-tag-shaped sub-messages, each `u8 type | u24 size |
 * u24 timestamp | u8 timestamp high | u24 stream id | data | u32 back-pointer (11 + size)`.
 */
export interface AggregateMessage extends MessageBase {
  readonly type: 'aggregate';
  /**
   * The sub-messages, on the aggregate's stream, timestamped aggregate time + (their time − the
   * first one's), as nginx-rtmp and FFmpeg do. Payloads are views of the aggregate.
   */
  readonly messages: readonly RawMessage[];
}

const SUB_HEADER = 11;

/**
 * Splits an aggregate payload into its sub-messages.
 * @throws {@link MessageError} `MESSAGE_BAD_AGGREGATE` for a sub-message running past the end or a
 *   back-pointer that does not match its size.
 */
export function decodeAggregate(payload: Uint8Array, base: MessageBase): AggregateMessage {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const messages: RawMessage[] = [];
  let first: number | undefined;
  for (let at = 0; at < payload.length; ) {
    const bad = (why: string) =>
      new MessageError('MESSAGE_BAD_AGGREGATE', `aggregate sub-message at byte ${at}: ${why}`, {
        typeId: MessageType.Aggregate,
      });
    if (payload.length - at < SUB_HEADER) throw bad('header truncated');
    const size = (payload[at + 1]! << 16) | (payload[at + 2]! << 8) | payload[at + 3]!;
    if (payload.length - at - SUB_HEADER - 4 < size) throw bad(`size ${size} runs past the end`);
    const backPointer = view.getUint32(at + SUB_HEADER + size);
    if (backPointer !== SUB_HEADER + size)
      throw bad(`back-pointer ${backPointer}, expected ${SUB_HEADER + size}`);
    const subTime =
      ((payload[at + 4]! << 16) | (payload[at + 5]! << 8) | payload[at + 6]! | (payload[at + 7]! << 24)) >>>
      0;
    first ??= subTime;
    messages.push({
      typeId: payload[at]! & 0x1f,
      streamId: base.streamId,
      timestamp: (base.timestamp + subTime - first) >>> 0,
      payload: payload.subarray(at + SUB_HEADER, at + SUB_HEADER + size),
    });
    at += SUB_HEADER + size + 4;
  }
  return { type: 'aggregate', ...base, messages };
}

/**
 * The payload of an aggregate carrying `messages`, with their own timestamps: the aggregate's
 * timestamp should be the first one's (RTMP 1.0 §7.1.6).
 */
export function encodeAggregate(messages: readonly RawMessage[]): Uint8Array {
  const out = new Uint8Array(messages.reduce((n, m) => n + SUB_HEADER + m.payload.length + 4, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const message of messages) {
    const size = message.payload.length;
    view.setUint32(at, ((message.typeId & 0xff) << 24) | size);
    const time = message.timestamp >>> 0;
    out[at + 4] = (time >>> 16) & 0xff;
    out[at + 5] = (time >>> 8) & 0xff;
    out[at + 6] = time & 0xff;
    out[at + 7] = time >>> 24;
    // Bytes 8-10: stream id, always 0 in FLV tags.
    out.set(message.payload, at + SUB_HEADER);
    view.setUint32(at + SUB_HEADER + size, SUB_HEADER + size);
    at += SUB_HEADER + size + 4;
  }
  return out;
}

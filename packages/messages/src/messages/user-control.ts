import { MessageError } from '../errors';
import { MessageType } from '../message-type';
import type { MessageBase } from './message-base';

/** User control event types (RTMP 1.0 §7.1.7, plus those seen in the wild). */
export const UserControlEventType = {
  StreamBegin: 0,
  StreamEof: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
  SwfVerificationRequest: 26,
  SwfVerificationResponse: 27,
  BufferEmpty: 31,
  BufferReady: 32,
} as const;

/** One user control event. Events this package does not know arrive as `unknown`, never an error. */
export type UserControlEvent =
  | {
      readonly kind: 'stream-begin' | 'stream-eof' | 'stream-dry' | 'stream-is-recorded';
      readonly streamId: number;
    }
  | { readonly kind: 'buffer-empty' | 'buffer-ready'; readonly streamId: number }
  | { readonly kind: 'set-buffer-length'; readonly streamId: number; readonly bufferLength: number }
  | { readonly kind: 'ping-request' | 'ping-response'; readonly timestamp: number }
  | { readonly kind: 'swf-verification-request' }
  | { readonly kind: 'swf-verification-response'; readonly data: Uint8Array }
  | { readonly kind: 'unknown'; readonly eventType: number; readonly data: Uint8Array };

/** User control message (type 4): an event type and its data. */
export interface UserControlMessage extends MessageBase {
  readonly type: 'user-control';
  readonly event: UserControlEvent;
}

const STREAM_EVENTS = {
  [UserControlEventType.StreamBegin]: 'stream-begin',
  [UserControlEventType.StreamEof]: 'stream-eof',
  [UserControlEventType.StreamDry]: 'stream-dry',
  [UserControlEventType.StreamIsRecorded]: 'stream-is-recorded',
  [UserControlEventType.BufferEmpty]: 'buffer-empty',
  [UserControlEventType.BufferReady]: 'buffer-ready',
} as const;

const u32 = (bytes: Uint8Array, at: number) =>
  ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;

function need(payload: Uint8Array, length: number, what: string): void {
  if (payload.length < length) {
    throw new MessageError('MESSAGE_TRUNCATED', `${what} needs ${length} bytes, got ${payload.length}`, {
      typeId: MessageType.UserControl,
    });
  }
}

/**
 * Reads a user control payload.
 * @throws {@link MessageError} `MESSAGE_TRUNCATED` when it is shorter than its event needs.
 */
export function decodeUserControl(payload: Uint8Array, base: MessageBase): UserControlMessage {
  need(payload, 2, 'a user control event');
  const eventType = (payload[0]! << 8) | payload[1]!;
  const data = payload.subarray(2);
  const event = ((): UserControlEvent => {
    const streamKind = STREAM_EVENTS[eventType as keyof typeof STREAM_EVENTS];
    if (streamKind !== undefined) {
      need(payload, 6, streamKind);
      return { kind: streamKind, streamId: u32(payload, 2) };
    }
    switch (eventType) {
      case UserControlEventType.SetBufferLength:
        need(payload, 10, 'set-buffer-length');
        return { kind: 'set-buffer-length', streamId: u32(payload, 2), bufferLength: u32(payload, 6) };
      case UserControlEventType.PingRequest:
      case UserControlEventType.PingResponse:
        need(payload, 6, 'a ping');
        return {
          kind: eventType === UserControlEventType.PingRequest ? 'ping-request' : 'ping-response',
          timestamp: u32(payload, 2),
        };
      case UserControlEventType.SwfVerificationRequest:
        return { kind: 'swf-verification-request' };
      case UserControlEventType.SwfVerificationResponse:
        return { kind: 'swf-verification-response', data };
      default:
        return { kind: 'unknown', eventType, data };
    }
  })();
  return { type: 'user-control', ...base, event };
}

/** The payload of a user control message. */
export function encodeUserControl(event: UserControlEvent): Uint8Array {
  const words: number[] = [];
  let eventType: number;
  let tail: Uint8Array | undefined;
  switch (event.kind) {
    case 'set-buffer-length':
      eventType = UserControlEventType.SetBufferLength;
      words.push(event.streamId, event.bufferLength);
      break;
    case 'ping-request':
    case 'ping-response':
      eventType =
        event.kind === 'ping-request' ? UserControlEventType.PingRequest : UserControlEventType.PingResponse;
      words.push(event.timestamp);
      break;
    case 'swf-verification-request':
      eventType = UserControlEventType.SwfVerificationRequest;
      tail = new Uint8Array(0);
      break;
    case 'swf-verification-response':
      eventType = UserControlEventType.SwfVerificationResponse;
      tail = event.data;
      break;
    case 'unknown':
      eventType = event.eventType;
      tail = event.data;
      break;
    default: {
      const entry = Object.entries(STREAM_EVENTS).find(([, kind]) => kind === event.kind)!;
      eventType = Number(entry[0]);
      words.push(event.streamId);
    }
  }
  const payload = new Uint8Array(2 + words.length * 4 + (tail?.length ?? 0));
  const view = new DataView(payload.buffer);
  view.setUint16(0, eventType);
  for (const [i, word] of words.entries()) view.setUint32(2 + i * 4, word >>> 0);
  if (tail) payload.set(tail, 2);
  return payload;
}

import {
  decodeAbort,
  decodeAcknowledgement,
  decodeSetChunkSize,
  decodeSetPeerBandwidth,
  decodeWindowAcknowledgementSize,
  encodeAbort,
  encodeAcknowledgement,
  encodeSetChunkSize,
  encodeSetPeerBandwidth,
  encodeWindowAcknowledgementSize,
  type PeerBandwidthLimit,
} from '@rtmp/chunk';
import { MessageType } from '../message-type';
import type { MessageBase } from './message-base';

// Protocol control messages (types 1, 2, 3, 5, 6). The chunk layer owns their bytes; here they
// are only given the same typed shape as every other message.

export interface SetChunkSizeMessage extends MessageBase {
  readonly type: 'set-chunk-size';
  readonly size: number;
}
export interface AbortMessage extends MessageBase {
  readonly type: 'abort';
  readonly chunkStreamId: number;
}
export interface AcknowledgementMessage extends MessageBase {
  readonly type: 'acknowledgement';
  readonly sequenceNumber: number;
}
export interface WindowAcknowledgementSizeMessage extends MessageBase {
  readonly type: 'window-acknowledgement-size';
  readonly window: number;
}
export interface SetPeerBandwidthMessage extends MessageBase {
  readonly type: 'set-peer-bandwidth';
  readonly window: number;
  /** 0 hard, 1 soft, 2 dynamic; other values are passed on as received. */
  readonly limitType: PeerBandwidthLimit | number;
}
export type ProtocolControlMessage =
  | SetChunkSizeMessage
  | AbortMessage
  | AcknowledgementMessage
  | WindowAcknowledgementSizeMessage
  | SetPeerBandwidthMessage;

/** Reads types 1, 2, 3, 5, 6 (errors are the chunk layer's `ChunkError`). */
export function decodeProtocolControl(
  typeId: number,
  payload: Uint8Array,
  base: MessageBase,
): ProtocolControlMessage | undefined {
  switch (typeId) {
    case MessageType.SetChunkSize:
      return { type: 'set-chunk-size', ...base, size: decodeSetChunkSize(payload) };
    case MessageType.Abort:
      return { type: 'abort', ...base, chunkStreamId: decodeAbort(payload) };
    case MessageType.Acknowledgement:
      return { type: 'acknowledgement', ...base, sequenceNumber: decodeAcknowledgement(payload) };
    case MessageType.WindowAcknowledgementSize:
      return {
        type: 'window-acknowledgement-size',
        ...base,
        window: decodeWindowAcknowledgementSize(payload),
      };
    case MessageType.SetPeerBandwidth:
      return { type: 'set-peer-bandwidth', ...base, ...decodeSetPeerBandwidth(payload) };
    default:
      return undefined;
  }
}

/** The payload of a protocol control message. */
export function encodeProtocolControl(message: ProtocolControlMessage): Uint8Array {
  switch (message.type) {
    case 'set-chunk-size':
      return encodeSetChunkSize(message.size).payload;
    case 'abort':
      return encodeAbort(message.chunkStreamId).payload;
    case 'acknowledgement':
      return encodeAcknowledgement(message.sequenceNumber).payload;
    case 'window-acknowledgement-size':
      return encodeWindowAcknowledgementSize(message.window).payload;
    case 'set-peer-bandwidth':
      return encodeSetPeerBandwidth(message.window, message.limitType as PeerBandwidthLimit).payload;
  }
}

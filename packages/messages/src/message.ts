import type { Amf0DecoderOptions } from '@rtmp/amf0';
import type { RawMessage } from '@rtmp/chunk';
import { MessageError } from './errors';
import { MessageType } from './message-type';
import { type AggregateMessage, decodeAggregate, encodeAggregate } from './messages/aggregate';
import { COMMAND_AMF_OPTIONS } from './messages/amf-body';
import { type CommandMessage, decodeCommand, encodeCommand } from './messages/command';
import { type DataMessage, decodeData, encodeData } from './messages/data';
import type { MediaMessage } from './messages/media';
import type { MessageBase } from './messages/message-base';
import {
  decodeProtocolControl,
  encodeProtocolControl,
  type ProtocolControlMessage,
} from './messages/protocol-control';
import { decodeSharedObject, encodeSharedObject, type SharedObjectMessage } from './messages/shared-object';
import { decodeUserControl, encodeUserControl, type UserControlMessage } from './messages/user-control';

/** A message of a type this package does not interpret (7, 23-255, ...): passed through as is. */
export interface UnknownMessage extends MessageBase {
  readonly type: 'unknown';
  readonly typeId: number;
  readonly payload: Uint8Array;
}

/** Every RTMP message, discriminated on `type`. */
export type RtmpMessage =
  | ProtocolControlMessage
  | UserControlMessage
  | MediaMessage
  | CommandMessage
  | DataMessage
  | SharedObjectMessage
  | AggregateMessage
  | UnknownMessage;

/**
 * The audio, video and data messages an aggregate carries (Wowza, FMS and relays batch media this
 * way), decoded, in order; sub-messages of other types, or that do not decode, are left out, as an
 * unreadable message is.
 */
export function aggregateMedia(aggregate: AggregateMessage): (MediaMessage | DataMessage)[] {
  const media: (MediaMessage | DataMessage)[] = [];
  for (const sub of aggregate.messages) {
    if (
      sub.typeId !== MessageType.Audio &&
      sub.typeId !== MessageType.Video &&
      sub.typeId !== MessageType.Data
    )
      continue;
    try {
      const decoded = decodeMessage(sub);
      if (decoded.type === 'audio' || decoded.type === 'video' || decoded.type === 'data')
        media.push(decoded);
    } catch (error) {
      if (!MessageError.isInstance(error)) throw error;
    }
  }
  return media;
}

/** Options of {@link decodeMessage}. */
export interface DecodeMessageOptions {
  /**
   * AMF limits for command and data bodies.
   * @default references refused, a missing end marker tolerated at the very end ({@link COMMAND_AMF_OPTIONS})
   */
  readonly amf?: Amf0DecoderOptions;
}

/**
 * Interprets a raw message. Media payloads stay views of the raw payload; nothing is copied.
 * @throws {@link MessageError} for a body that does not mean what its type says, or `ChunkError`
 *   for a malformed protocol control message.
 * @example
 * ```ts
 * const message = decodeMessage(raw);
 * if (message.type === 'command' && message.name === 'connect') console.log(parseConnect(message).app);
 * ```
 */
export function decodeMessage(raw: RawMessage, options: DecodeMessageOptions = {}): RtmpMessage {
  const base: MessageBase = { streamId: raw.streamId, timestamp: raw.timestamp };
  const { typeId, payload } = raw;
  const amf = options.amf ?? COMMAND_AMF_OPTIONS;
  switch (typeId) {
    case MessageType.UserControl:
      return decodeUserControl(payload, base);
    case MessageType.Audio:
      return { type: 'audio', ...base, payload };
    case MessageType.Video:
      return { type: 'video', ...base, payload };
    case MessageType.Command:
    case MessageType.CommandAmf3:
      return decodeCommand(payload, typeId === MessageType.Command ? 'amf0' : 'amf3', typeId, base, amf);
    case MessageType.Data:
    case MessageType.DataAmf3:
      return decodeData(payload, typeId === MessageType.Data ? 'amf0' : 'amf3', typeId, base, amf);
    case MessageType.SharedObject:
    case MessageType.SharedObjectAmf3:
      return decodeSharedObject(payload, typeId === MessageType.SharedObject ? 'amf0' : 'amf3', typeId, base);
    case MessageType.Aggregate:
      return decodeAggregate(payload, base);
    default:
      return decodeProtocolControl(typeId, payload, base) ?? { type: 'unknown', ...base, typeId, payload };
  }
}

/** The type id a message travels with. */
export function messageTypeId(message: RtmpMessage): number {
  switch (message.type) {
    case 'set-chunk-size':
      return MessageType.SetChunkSize;
    case 'abort':
      return MessageType.Abort;
    case 'acknowledgement':
      return MessageType.Acknowledgement;
    case 'window-acknowledgement-size':
      return MessageType.WindowAcknowledgementSize;
    case 'set-peer-bandwidth':
      return MessageType.SetPeerBandwidth;
    case 'user-control':
      return MessageType.UserControl;
    case 'audio':
      return MessageType.Audio;
    case 'video':
      return MessageType.Video;
    case 'command':
      return message.form === 'amf0' ? MessageType.Command : MessageType.CommandAmf3;
    case 'data':
      return message.form === 'amf0' ? MessageType.Data : MessageType.DataAmf3;
    case 'shared-object':
      return message.form === 'amf0' ? MessageType.SharedObject : MessageType.SharedObjectAmf3;
    case 'aggregate':
      return MessageType.Aggregate;
    case 'unknown':
      return message.typeId;
  }
}

/**
 * Turns a typed message back into a raw message, ready for the chunk encoder.
 * @throws `Amf0EncodeError` for command or data values AMF0 cannot carry.
 */
export function encodeMessage(message: RtmpMessage): RawMessage {
  const typeId = messageTypeId(message);
  const { streamId, timestamp } = message;
  const payload = (() => {
    switch (message.type) {
      case 'user-control':
        return encodeUserControl(message.event);
      case 'audio':
      case 'video':
      case 'unknown':
        return message.payload;
      case 'command':
        return encodeCommand(message);
      case 'data':
        return encodeData(message);
      case 'shared-object':
        return encodeSharedObject(message);
      case 'aggregate':
        return encodeAggregate(message.messages);
      default:
        return encodeProtocolControl(message);
    }
  })();
  return { typeId, streamId, timestamp, payload };
}

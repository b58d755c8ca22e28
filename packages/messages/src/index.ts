/**
 * Typed RTMP messages over `@rtmp/chunk`'s raw messages: protocol and user control, audio and
 * video (with legacy FLV and Enhanced RTMP header parsing), command and data messages (AMF0, and
 * the "AMF3" forms 17/15), shared objects, aggregates; builders and parsers for the NetConnection
 * and NetStream commands; status codes; a sans-IO transaction table.
 *
 * ```
 * raw { typeId: 20, streamId: 0, payload: 02 0007 "connect" 00 3FF0.. 03 .. }
 *   → decodeMessage → { type: 'command', name: 'connect', transactionId: 1, commandObject: {...}, args: [] }
 *   → parseConnect → { app: 'live', tcUrl: 'rtmp://host/live', ... }
 * ```
 * @packageDocumentation
 */

// Messages
export { decodeMessage, encodeMessage, messageTypeId } from './message';
export type { DecodeMessageOptions, RtmpMessage, UnknownMessage } from './message';
export { type AmfForm, MessageType } from './message-type';
export type { MessageBase } from './messages/message-base';
export type {
  AbortMessage,
  AcknowledgementMessage,
  ProtocolControlMessage,
  SetChunkSizeMessage,
  SetPeerBandwidthMessage,
  WindowAcknowledgementSizeMessage,
} from './messages/protocol-control';
export { type UserControlEvent, UserControlEventType, type UserControlMessage } from './messages/user-control';
export type { MediaMessage } from './messages/media';
export type { CommandMessage } from './messages/command';
export type { DataMessage } from './messages/data';
export type { SharedObjectEvent, SharedObjectMessage } from './messages/shared-object';
export { type AggregateMessage, decodeAggregate, encodeAggregate } from './messages/aggregate';
export { COMMAND_AMF_OPTIONS } from './messages/amf-body';

// Commands
export { command, DEFAULT_MAX_NAME_LENGTH } from './commands/command-builder';
export {
  buildConnect,
  buildConnectRejected,
  buildConnectResult,
  type ConnectParameters,
  type ConnectRequest,
  type ConnectResultOptions,
  MAX_CONNECT_URL_LENGTH,
  parseConnect,
} from './commands/connect';
export { buildError, buildResult, isResponse } from './commands/result';
export { buildStatus, parseStatus, StatusCode, type StatusInfo } from './commands/status';
export {
  buildCheckBandwidth,
  buildCloseStream,
  buildCreateStream,
  buildCreateStreamResult,
  buildDeleteStream,
  buildGetStreamLength,
  buildOnBandwidthDone,
  parseCreateStreamResult,
  parseDeleteStream,
  parseStreamNameArgument,
} from './commands/net-connection';
export {
  buildFCPublish,
  buildFCSubscribe,
  buildFCUnpublish,
  buildOnFCPublish,
  buildOnFCUnpublish,
  buildPublish,
  buildReleaseStream,
  parsePublish,
  type PublishRequest,
  type PublishType,
} from './commands/publish';
export {
  buildPause,
  buildPlay,
  buildPlay2,
  buildReceive,
  buildSeek,
  type PlayOptions,
  type PlayRequest,
  parsePause,
  parsePlay,
  parsePlay2,
  parseReceive,
  parseSeek,
} from './commands/play';
export {
  buildOnMetaData,
  buildRtmpSampleAccess,
  buildSetDataFrame,
  parseMetadata,
  stripSetDataFrame,
} from './commands/data-frames';

// Audio and video payload headers
export { FourCc, fourCcToNumber, numberToFourCc } from './media/fourcc';
export type { MultitrackType } from './media/enhanced-body';
export {
  isDisposable,
  isKeyframe,
  isVideoSequenceHeader,
  parseVideoHeader,
  VideoCodecId,
  videoCodec,
  VideoFrameType,
  videoFrameType,
  type VideoHeader,
  type VideoPacketKind,
  VideoPacketType,
  type VideoTrack,
} from './media/video-header';
export {
  type AudioHeader,
  type AudioPacketKind,
  AudioPacketType,
  type AudioTrack,
  audioCodec,
  isAudioSequenceHeader,
  parseAudioHeader,
  SoundFormat,
} from './media/audio-header';

// Transactions
export { DEFAULT_TRANSACTION_TIMEOUT_MS, TransactionTable, type TransactionOutcome } from './transaction-table';

// Errors
export { MessageError, type MessageErrorCode } from './errors';

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
export {
  buildOnMetaData,
  buildRtmpSampleAccess,
  buildSetDataFrame,
  parseMetadata,
  stripSetDataFrame,
} from './commands/data-frames';
export {
  CapsEx,
  type EnhancedCapabilities,
  FourCcInfo,
  forwardingCapabilities,
  offersEnhancedRtmp,
} from './commands/enhanced-capabilities';
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
  buildFCPublish,
  buildFCSubscribe,
  buildFCUnpublish,
  buildOnFCPublish,
  buildOnFCUnpublish,
  buildPublish,
  buildReleaseStream,
  type PublishRequest,
  type PublishType,
  parsePublish,
} from './commands/publish';
export { buildError, buildResult, isResponse } from './commands/result';
export { buildStatus, parseStatus, StatusCode, type StatusInfo } from './commands/status';
// Errors
export { MessageError, type MessageErrorCode } from './errors';
export { type AacConfig, readAacConfig } from './media/aac-config';
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
export { type AvcConfig, readAvcConfig } from './media/avc-config';
export { MAX_MODEX_PREFIXES, type MultitrackType } from './media/enhanced-body';
export {
  buildAudioBody,
  buildVideoBody,
  type EnhancedAudioFrame,
  type EnhancedTrack,
  type EnhancedVideoFrame,
} from './media/enhanced-builder';
// Audio and video payload headers
export { FourCc, fourCcToNumber, numberToFourCc } from './media/fourcc';
export { isDecoderSetup, type MediaInfo, type MediaKind, mediaInfo, mediaKind } from './media/media-kind';
export {
  isDisposable,
  isKeyframe,
  isVideoSequenceHeader,
  parseVideoHeader,
  VideoCodecId,
  VideoFrameType,
  type VideoHeader,
  type VideoPacketKind,
  VideoPacketType,
  type VideoTrack,
  videoCodec,
  videoFrameType,
} from './media/video-header';
export type { DecodeMessageOptions, RtmpMessage, UnknownMessage } from './message';
// Messages
export { aggregateMedia, decodeMessage, encodeMessage, messageTypeId } from './message';
export { type AmfForm, MessageType } from './message-type';
export { type AggregateMessage, decodeAggregate, encodeAggregate } from './messages/aggregate';
export { COMMAND_AMF_OPTIONS } from './messages/amf-body';
export type { CommandMessage } from './messages/command';
export type { DataMessage } from './messages/data';
export type { MediaMessage } from './messages/media';
export type { MessageBase } from './messages/message-base';
export type {
  AbortMessage,
  AcknowledgementMessage,
  ProtocolControlMessage,
  SetChunkSizeMessage,
  SetPeerBandwidthMessage,
  WindowAcknowledgementSizeMessage,
} from './messages/protocol-control';
export type { SharedObjectEvent, SharedObjectMessage } from './messages/shared-object';
export {
  type UserControlEvent,
  UserControlEventType,
  type UserControlMessage,
} from './messages/user-control';
// Transactions
export {
  DEFAULT_TRANSACTION_TIMEOUT_MS,
  type TransactionOutcome,
  TransactionTable,
} from './transaction-table';

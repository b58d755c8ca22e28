/**
 * An RTMP client: publish to and play from any RTMP server (nginx-rtmp, FFmpeg, SRS, YouTube,
 * Twitch, ...). {@link connect} is the Node API over TCP or TLS; {@link ClientSession} is the
 * sans-IO state machine under it, for other transports.
 *
 * ```
 * handshake → connect → createStream → publish | play → media → FCUnpublish/deleteStream
 * ```
 * @packageDocumentation
 */

// Sans-IO session
export {
  CLIENT_ENHANCED_CAPABILITIES,
  type ClientEvent,
  type ClientOutput,
  ClientSession,
  type ClientSessionOptions,
} from './client-session';
// Errors
export { RtmpClientError, type RtmpClientErrorCode } from './errors';
// Node API
export {
  type ConnectionEvents,
  type ConnectOptions,
  connect,
  type PlayerEvent,
  type ReconnectRequest,
  RtmpConnection,
  RtmpPlayer,
  RtmpPublisher,
} from './node/connection';
export {
  KEEP_CONNECTED_DEFAULTS,
  type KeepConnectedOptions,
  keepConnected,
  RETRYABLE_ERROR_CODES,
} from './node/keep-connected';
export { type TrackFrame, trackFrames } from './node/track-frames';
// URLs
export {
  DEFAULT_RTMP_PORT,
  DEFAULT_RTMPS_PORT,
  parseRtmpUrl,
  type RtmpUrl,
  splitStreamUrl,
} from './rtmp-url';

/**
 * The server side of RTMP. {@link ServerSession} is the sans-IO state machine of one connection:
 * it handles the handshake and every command encoders and players send, and raises connect,
 * publish and play requests that the application accepts or rejects.
 *
 * ```
 * client: connect ─────────────► connect-request ──► accept(id) ──► WinAck, PeerBW, ChunkSize, _result
 *         createStream ─────────► _result(1)
 *         publish "key?token" ──► publish-request ─► accept(id) ──► StreamBegin, Publish.Start
 *         audio/video/data ─────► media events
 * ```
 * {@link RtmpServer} runs sessions on node:net with a stream registry and fan-out.
 * @packageDocumentation
 */

export {
  type Admission,
  type AdmissionLimits,
  type AdmissionState,
  admit,
  type QueueState,
  type VideoTracks,
} from './admission';
export {
  CONFORMANCE_DEFAULTS,
  ConformanceChecker,
  type ConformanceCheckerOptions,
} from './conformance/conformance-checker';
export {
  atLeast,
  FINDING_KINDS,
  type Finding,
  type FindingCode,
  type FindingKind,
  type FindingSeverity,
} from './conformance/findings';
export { RtmpServerError, type RtmpServerErrorCode } from './errors';
export { DEFAULT_GOP_CACHE_MAX_BYTES, DEFAULT_GOP_CACHE_MAX_MESSAGES, JoinCache } from './join-cache';
export { DEFAULT_MAX_TRACKS_PER_STREAM, type StreamStats } from './live-stream';
export {
  ADOBE_AUTH_DEFAULTS,
  AdobeAuth,
  type AdobeAuthOptions,
  type AdobeAuthVerdict,
} from './node/adobe-auth';
export {
  ClusterStreamRegistry,
  type ClusterStreamRegistryOptions,
  serveClusterRegistry,
} from './node/cluster-registry';
export type { ConnectionControl } from './node/connection-control';
export { diagnostics } from './node/diagnostics';
export { HttpFlv, type HttpFlvOptions } from './node/http-flv';
export {
  REGISTRY_DEFAULTS,
  type RegistryOptions,
  type RegistryStatus,
} from './node/registry-link';
export { type PushTarget, RELAY_DEFAULTS, type RelayOptions } from './node/relays';
export {
  type ConnectionInfo,
  type ReconnectRequestOptions,
  type Refusal,
  type RequestInfo,
  RTMP_SERVER_DEFAULTS,
  RtmpServer,
  type RtmpServerOptions,
  type Verdict,
} from './node/rtmp-server';
export {
  DEFAULT_RTMPT_IDLE_TIMEOUT_MS,
  DEFAULT_RTMPT_MAX_PENDING_BYTES,
  DEFAULT_RTMPT_MAX_REQUEST_BYTES,
  DEFAULT_RTMPT_MAX_SESSIONS,
  type RtmptOptions,
} from './node/rtmpt-tunnel';
export { type WebhookOptions, webhook } from './node/webhook';
export { RECOMMENDED_NODE_FLAGS } from './recommended-node-flags';
export type { RelayState, RelayStats } from './relay-stats';
export type { ServerEvent, ServerOutput } from './server-events';
export { ServerSession } from './server-session';
export {
  DEFAULT_MAX_MESSAGE_LENGTH_BEFORE_PUBLISH,
  ENHANCED_RTMP_SERVER_CAPABILITIES,
  type ServerSessionOptions,
} from './server-session-options';
export { MemoryStreamRegistry, type StreamRegistry, type StreamRegistryEntry } from './stream-registry';

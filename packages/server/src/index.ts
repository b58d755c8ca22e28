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
 * The Node listener, stream registry and fan-out are next (see the repository's issue tracker).
 * @packageDocumentation
 */

export { RtmpServerError, type RtmpServerErrorCode } from './errors';
export {
  type ServerEvent,
  type ServerOutput,
  ServerSession,
  type ServerSessionOptions,
} from './server-session';

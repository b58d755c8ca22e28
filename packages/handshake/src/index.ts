/**
 * The RTMP handshake (C0/C1/C2 and S0/S1/S2), both roles, sans-IO: feed bytes, get bytes to send
 * and, at the end, the bytes that belong to the chunk stream.
 *
 * ```
 * client                         server
 *   C0 (03) + C1 (1536) ------->
 *                       <-------  S0 (03) + S1 (1536) + S2 (1536)
 *   C2 (1536) [+ connect…] ---->
 * ```
 * Simple scheme: RTMP 1.0 §5.2 (C2/S2 echo S1/C1). Digest scheme: the Flash Player 9 variant that
 * FFmpeg, nginx-rtmp, SRS and Flash use (HMAC-SHA256 digests in C1/S1, signatures in C2/S2).
 * @packageDocumentation
 */

export type { ClientHandshakeOptions } from './client-handshake';
export { ClientHandshake } from './client-handshake';
export { HANDSHAKE_PACKET_SIZE, RTMP_VERSION } from './constants';
export { type FoundDigest, findDigest, type HandshakeScheme } from './digest';
export { HandshakeError, type HandshakeErrorCode, type ProbableProtocol } from './errors';
export type { HandshakeOptions, HandshakeResult } from './result';
export { RTMPE_VERSION, type RtmpeCipher } from './rtmpe';
export type { ServerHandshakeOptions } from './server-handshake';
export { ServerHandshake } from './server-handshake';

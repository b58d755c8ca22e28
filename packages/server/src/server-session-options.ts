import type { ChunkDecoderOptions } from '@rtmp/chunk';
import { CapsEx, type EnhancedCapabilities, forwardingCapabilities, type RtmpMessage } from '@rtmp/messages';

/** Options of {@link ServerSession}. Every field is optional. */
export interface ServerSessionOptions {
  /** Outgoing chunk size, announced with Set Chunk Size after connect. @default 4096 */
  readonly chunkSize?: number;
  /** Window Acknowledgement Size and Set Peer Bandwidth sent after connect. @default 5000000 (nginx-rtmp's) */
  readonly windowAcknowledgementSize?: number;
  /** NetStreams one connection may create. @default 16 */
  readonly maxStreams?: number;
  /** Longest stream name accepted. @default 1024 */
  readonly maxNameLength?: number;
  /** Answer digest handshakes with the digest scheme. @default true */
  readonly digestHandshake?: boolean;
  /**
   * Answer RTMPE clients (`rtmpe://`: C0 = 6, Diffie-Hellman keys, then RC4) on the same port;
   * when false they are refused at the first byte with a typed error.
   * @default true
   */
  readonly rtmpe?: boolean;
  /** Limits of the incoming chunk stream. */
  readonly chunkDecoder?: ChunkDecoderOptions;
  /**
   * Longest message accepted before a publish is accepted (commands only, so a peer that has not
   * been authorized cannot make the server buffer megabytes). After it, `chunkDecoder`'s limit.
   * @default 65536 ({@link DEFAULT_MAX_MESSAGE_LENGTH_BEFORE_PUBLISH})
   */
  readonly maxMessageLengthBeforePublish?: number;
  /** The length of a recorded stream in ms, for `getStreamLength` (0 or undefined: live or unknown). */
  readonly streamLength?: (name: string) => number | undefined;
  /** Properties added to every connect `_result`, after the Enhanced RTMP ones. */
  readonly connectProperties?: Readonly<Record<string, unknown>>;
  /**
   * What the connect `_result` says this server does with Enhanced RTMP, sent only to clients
   * whose `connect` carried `fourCcList`, an info map or `capsEx` (legacy clients get the legacy
   * `_result`). `false` never sends them.
   * @default {@link ENHANCED_RTMP_SERVER_CAPABILITIES}
   */
  readonly enhancedRtmp?: EnhancedCapabilities | false;
  /** Hears every message decoded from the client (commands, media, control), before it is handled. */
  readonly onMessage?: (message: RtmpMessage) => void;
  /** Hears every message the session sends of its own (answers, status, control), not relayed media. */
  readonly onSent?: (message: RtmpMessage) => void;
}

/**
 * What this server says of Enhanced RTMP in the connect `_result`: it forwards every FourCC of the
 * v2 spec (the bytes pass through; it decodes none), multitrack, ModEx with nanosecond timestamp
 * offsets, and sends ReconnectRequest.
 */
export const ENHANCED_RTMP_SERVER_CAPABILITIES: EnhancedCapabilities = forwardingCapabilities(
  CapsEx.Reconnect | CapsEx.Multitrack | CapsEx.ModEx | CapsEx.TimestampNanoOffset,
);

/** Longest message a peer may send before a publish is accepted: commands are far smaller. */
export const DEFAULT_MAX_MESSAGE_LENGTH_BEFORE_PUBLISH = 64 * 1024;

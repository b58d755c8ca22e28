/** How bad a {@link Finding} is. */
export type FindingSeverity = 'error' | 'warning' | 'info';

/** What a finding code means: its severity, and why it matters (which peers it breaks). */
export interface FindingKind {
  readonly severity: FindingSeverity;
  /** Why a tester should care, in a sentence. */
  readonly why: string;
}

/**
 * Every conformance finding code: `error` breaks the spec or a major peer, `warning` is legal but
 * known to break some peers, `info` is worth knowing.
 */
export const FINDING_KINDS = {
  'handshake-c2-mismatch': {
    severity: 'warning',
    why: 'C2 neither echoes S1 nor is signed for it; servers that check it (Flash Media Server, some CDNs) drop the connection.',
  },
  'chunk-size-invalid': {
    severity: 'error',
    why: 'Set Chunk Size of 0, with the high bit set, or below what servers accept: the connection is closed by every server.',
  },
  'ext-timestamp-fmt3-inconsistent': {
    severity: 'warning',
    why: 'fmt-3 chunks of a message with an extended timestamp do not repeat it; FFmpeg and Flash read those 4 bytes as the timestamp and corrupt the stream.',
  },
  'timestamp-regression': {
    severity: 'error',
    why: 'A stream and kind (audio or video) went back in time; players stall or drop frames, recorders write broken files, nginx-rtmp resyncs.',
  },
  'timestamp-jump': {
    severity: 'warning',
    why: 'A forward gap of more than 10 s between consecutive messages of one kind; HLS segmenters and players see a hole or wait.',
  },
  'media-before-publish': {
    severity: 'error',
    why: 'Media on a stream that was created but never published; servers drop it (nginx-rtmp, SRS) or close the connection.',
  },
  'media-on-unknown-stream': {
    severity: 'error',
    why: 'Media on a message stream id the server never handed out (or on 0, the NetConnection); every server drops it.',
  },
  'publish-before-createstream-result': {
    severity: 'warning',
    why: 'publish or play was sent before the createStream result arrived (guessing the stream id); servers that number streams differently refuse it.',
  },
  'missing-set-data-frame': {
    severity: 'info',
    why: 'No @setDataFrame onMetaData before the first media; players and recorders then lack duration, size and codec hints.',
  },
  'media-before-sequence-header': {
    severity: 'error',
    why: 'Coded frames of a codec that needs its configuration (AVC, HEVC, AV1, VVC, AAC) before its sequence header; decoders cannot start.',
  },
  'first-video-not-keyframe': {
    severity: 'warning',
    why: 'The first video frame is not a keyframe; players show garbage or nothing until the next one, recorders start with undecodable frames.',
  },
  'avc-config-missing-sps-pps': {
    severity: 'error',
    why: 'The AVC sequence header has no SPS or no PPS (or does not read); no decoder can start.',
  },
  'aac-config-invalid': {
    severity: 'error',
    why: 'The AAC sequence header is not a valid AudioSpecificConfig; decoders refuse the audio.',
  },
  'negative-composition-time': {
    severity: 'warning',
    why: 'A video frame has a negative composition time offset; legal in Enhanced RTMP, but older players and remuxers clamp or reject it.',
  },
  'metadata-disagrees-with-media': {
    severity: 'warning',
    why: 'onMetaData width, height or codec differs from the sequence header; players size or pick decoders from the metadata and get it wrong.',
  },
  'ack-window-ignored': {
    severity: 'warning',
    why: 'The client received well past the acknowledgement window without acknowledging; servers that enforce the window (FMS, Wowza) stop sending.',
  },
  'ping-unanswered': {
    severity: 'warning',
    why: 'PingRequests went unanswered; servers that check liveness with pings (FMS, Wowza, this one with pingIntervalMs) close the connection.',
  },
  'unknown-command': {
    severity: 'info',
    why: 'A command this server does not know; other servers may answer _error or close the connection.',
  },
  'transaction-id-reuse': {
    severity: 'warning',
    why: 'A transaction id used again for another request; a server that matches answers to ids can answer the wrong request.',
  },
  'fcunpublish-missing': {
    severity: 'info',
    why: 'An FCPublish was never closed with FCUnpublish; CDNs that track publishing by it keep the stream reserved for a while.',
  },
  'connect-missing-tcurl': {
    severity: 'warning',
    why: 'connect without tcUrl; servers that route or authenticate on it (nginx-rtmp, Wowza, CDN ingest) refuse or misroute.',
  },
  'enhanced-codec-not-negotiated': {
    severity: 'warning',
    why: 'An Enhanced RTMP FourCC was used without a fourCcList in connect; servers that follow the spec treat the stream as legacy and drop it.',
  },
} as const satisfies Record<string, FindingKind>;

/** A finding code: a key of {@link FINDING_KINDS}. */
export type FindingCode = keyof typeof FINDING_KINDS;

/** One thing a peer did wrong or oddly, and where. */
export interface Finding {
  readonly code: FindingCode;
  readonly severity: FindingSeverity;
  /** What happened, with the values involved. */
  readonly message: string;
  /** When, as an ISO 8601 time. */
  readonly at: string;
  /** The 0-based index of the message (among those the peer sent) where it happened, if one. */
  readonly messageIndex?: number;
  /** The message stream id concerned, if one. */
  readonly streamId?: number;
}

const RANK: Record<FindingSeverity, number> = { info: 0, warning: 1, error: 2 };

/** Whether `severity` is `threshold` or worse (`error` is worse than `warning`, worse than `info`). */
export function atLeast(severity: FindingSeverity, threshold: FindingSeverity): boolean {
  return RANK[severity] >= RANK[threshold];
}

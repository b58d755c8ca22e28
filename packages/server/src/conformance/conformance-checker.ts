import {
  aggregateMedia,
  type CommandMessage,
  type DataMessage,
  type MediaMessage,
  type RtmpMessage,
} from '@rtmp/messages';
import { STREAM_COMMANDS } from '../net-streams';
import { FINDING_KINDS, type Finding, type FindingCode } from './findings';
import { StreamChecks } from './stream-checks';

/** Options of a {@link ConformanceChecker}. */
export interface ConformanceCheckerOptions {
  /** Findings kept per connection; later ones are only counted. @default 200 */
  readonly maxFindings?: number;
  /** Findings kept per code (a stream that goes back in time on every frame). @default 10 */
  readonly maxFindingsPerCode?: number;
  /** Hears each finding that is kept (within the limits) as it is raised. */
  readonly onFinding?: (finding: Finding) => void;
  /** The clock (ms since the epoch). @default Date.now */
  readonly now?: () => number;
}

/** Defaults of {@link ConformanceCheckerOptions}. */
export const CONFORMANCE_DEFAULTS = { maxFindings: 200, maxFindingsPerCode: 10 } as const;

/**
 * How long a client has to acknowledge what it was sent: bytes sent more recently may still be in
 * flight (a player's join burst is sent at once), so they do not count against it.
 */
const ACK_GRACE_MS = 2000;
/** S0, S1 and S2: what the server sends before the bytes an Acknowledgement counts. */
const HANDSHAKE_BYTES = 1 + 2 * 1536;
/** Bytes-sent samples are kept at most this often. */
const SAMPLE_EVERY_MS = 100;

/** PingRequests in a row without a PingResponse that make a finding (one may cross an answer). */
const UNANSWERED_PINGS = 3;

/** Commands a client sends that RTMP servers know: the NetStream ones, and Adobe's and FMLE's others. */
const KNOWN_COMMANDS = new Set([
  ...STREAM_COMMANDS,
  ...[
    'connect',
    'call',
    'close',
    'FCSubscribe',
    'FCUnsubscribe',
    '_checkbw',
    '_result',
    '_error',
    'onStatus',
  ],
]);

/**
 * Checks what one client does against the RTMP and Enhanced RTMP specs and what major peers
 * expect, and records {@link Finding}s: a conformance report for people testing their encoder,
 * camera or client library. Sans-IO: feed it every message the client sent ({@link received}), every
 * message the server sent of its own ({@link sent}), and after each read what the lower layers noticed
 * ({@link read}); {@link closed} at the end. Checking never changes what the server does.
 */
export class ConformanceChecker {
  readonly #findings: Finding[] = [];
  readonly #counts = new Map<FindingCode, number>();
  readonly #raised = new Set<string>();
  readonly #options: ConformanceCheckerOptions;
  readonly #now: () => number;
  #index = -1;
  /** createStream requests not yet answered, and those answered during the current read. */
  readonly #creating = new Set<number>();
  readonly #answeredThisRead = new Set<number>();
  /** Stream ids the server handed out, and what is published on each. */
  readonly #created = new Set<number>();
  readonly #published = new Map<number, StreamChecks>();
  readonly #transactions = new Set<number>();
  readonly #fcPublished = new Set<string>();
  #fourCcList = false;
  #windowAnnounced: number | undefined;
  /** Bytes sent when the window was announced: the handshake and earlier bytes do not count. */
  #windowFrom: number | undefined;
  /** Bytes sent so far, sampled over the last {@link ACK_GRACE_MS} (and the one sample before). */
  readonly #sentSamples: { at: number; bytes: number }[] = [];
  /** The client's latest Acknowledgement (bytes it received after the handshake, modulo 2^32). */
  #acknowledged: number | undefined;
  /** PingRequests sent since the client last answered one. */
  #unansweredPings = 0;

  constructor(options: ConformanceCheckerOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** What was found so far, oldest first (bounded by `maxFindings` and `maxFindingsPerCode`). */
  get findings(): readonly Finding[] {
    return this.#findings;
  }

  /** How many times each code was raised, including findings past the limits. */
  get counts(): ReadonlyMap<FindingCode, number> {
    return this.#counts;
  }

  /** A message the client sent, in order. */
  received(message: RtmpMessage): void {
    this.#index++;
    switch (message.type) {
      case 'command':
        this.#command(message);
        return;
      case 'acknowledgement':
        this.#acknowledged = message.sequenceNumber;
        return;
      case 'user-control':
        if (message.event.kind === 'ping-response') this.#unansweredPings = 0;
        return;
      case 'audio':
      case 'video':
      case 'data':
        this.#media(message);
        return;
      case 'aggregate':
        for (const sub of aggregateMedia(message)) this.#media(sub);
        return;
      default:
        return;
    }
  }

  #media(message: MediaMessage | DataMessage): void {
    const stream = this.#mediaStream(message.streamId, message.type);
    if (stream === undefined) return;
    if (message.type === 'data') {
      stream.data(message);
      return;
    }
    const first = message.payload[0] ?? 0;
    const enhanced = message.type === 'video' ? (first & 0x80) !== 0 : first >> 4 === 9;
    if (enhanced && !this.#fourCcList)
      this.#once(
        'enhanced-codec-not-negotiated',
        `Enhanced RTMP ${message.type} without a fourCcList in connect`,
        message.type,
      );
    stream.media(message);
  }

  /** A message the server sent of its own accord (answers, control), not fanned-out media. */
  sent(message: RtmpMessage): void {
    if (message.type === 'window-acknowledgement-size') {
      this.#windowAnnounced = message.window;
      this.#windowFrom = undefined; // counted from the next read's figure
    }
    if (
      message.type === 'user-control' &&
      message.event.kind === 'ping-request' &&
      ++this.#unansweredPings >= UNANSWERED_PINGS
    )
      this.#once('ping-unanswered', `${UNANSWERED_PINGS} PingRequests in a row went unanswered`);
    if (
      message.type !== 'command' ||
      message.name !== '_result' ||
      !this.#creating.has(message.transactionId)
    )
      return;
    this.#creating.delete(message.transactionId);
    this.#answeredThisRead.add(message.transactionId);
    const id = message.args[0];
    if (typeof id === 'number') this.#created.add(id);
  }

  /**
   * A read from the client was handled and the server's answers went out. `lower` is what the
   * handshake and chunk layers noticed so far; `bytesSent` the bytes written to the client.
   */
  read(lower: {
    c2AnswersS1?: boolean | undefined;
    extendedTimestampOmissions?: number;
    /** The client's latest Acknowledgement, if any (chunk decoders take it in themselves). */
    peerAcknowledged?: number | undefined;
    bytesSent?: number;
  }): void {
    if (lower.peerAcknowledged !== undefined) this.#acknowledged = lower.peerAcknowledged;
    this.#answeredThisRead.clear();
    if (lower.c2AnswersS1 === false)
      this.#once('handshake-c2-mismatch', 'C2 is neither a copy of S1 nor signed for its digest');
    if ((lower.extendedTimestampOmissions ?? 0) > 0)
      this.#once(
        'ext-timestamp-fmt3-inconsistent',
        'fmt-3 chunks of a message with an extended timestamp do not repeat it',
      );
    this.#window(lower.bytesSent);
  }

  /** Time passed (call it every second or so): a client that sends nothing is checked too. */
  tick(bytesSent: number): void {
    this.#window(bytesSent);
  }

  /**
   * The connection failed on a protocol error: `code` is the lower layer's (a `ChunkError` code).
   */
  failed(code: string, message: string): void {
    if (code === 'CHUNK_SIZE_INVALID' || code === 'CHUNK_SIZE_TOO_SMALL')
      this.#raise('chunk-size-invalid', message);
  }

  /** The connection ended (`bytesSent`: what the server wrote to it). */
  closed(bytesSent?: number): void {
    this.#window(bytesSent);
    for (const name of this.#fcPublished)
      this.#raise('fcunpublish-missing', `FCPublish "${name}" was never followed by FCUnpublish`);
    this.#fcPublished.clear();
  }

  #command(message: CommandMessage): void {
    const { name, transactionId } = message;
    if (transactionId > 0 && name !== '_result' && name !== '_error') {
      if (this.#transactions.has(transactionId))
        this.#raise(
          'transaction-id-reuse',
          `${name} reuses transaction id ${transactionId}`,
          message.streamId,
        );
      this.#transactions.add(transactionId);
    }
    switch (name) {
      case 'connect':
        this.#connect(message.commandObject);
        return;
      case 'createStream':
        this.#creating.add(transactionId);
        return;
      case 'publish':
      case 'play':
      case 'play2':
        this.#streamRequest(message);
        return;
      case 'FCPublish':
        if (typeof message.args[0] === 'string') this.#fcPublished.add(message.args[0]);
        return;
      case 'FCUnpublish':
        if (typeof message.args[0] === 'string') this.#fcPublished.delete(message.args[0]);
        return;
      default:
        if (!KNOWN_COMMANDS.has(name)) this.#once('unknown-command', `unknown command "${name}"`, name);
    }
  }

  #connect(commandObject: unknown): void {
    const object = (
      typeof commandObject === 'object' && commandObject !== null ? commandObject : {}
    ) as Record<string, unknown>;
    const tcUrl = object instanceof Map ? object.get('tcUrl') : object['tcUrl'];
    if (typeof tcUrl !== 'string' || tcUrl === '')
      this.#raise('connect-missing-tcurl', 'connect has no tcUrl', 0);
    const list = object instanceof Map ? object.get('fourCcList') : object['fourCcList'];
    this.#fourCcList = list !== undefined && list !== null;
  }

  #streamRequest(message: CommandMessage): void {
    const { streamId, name } = message;
    if (this.#creating.size > 0 || this.#answeredThisRead.size > 0)
      this.#raise(
        'publish-before-createstream-result',
        `${name} on stream ${streamId} was sent before the createStream result arrived`,
        streamId,
      );
    if (name === 'publish' && !this.#published.has(streamId))
      this.#published.set(
        streamId,
        new StreamChecks(streamId, (code, text, id) => this.#raise(code, text, id)),
      );
  }

  /** The checks of the published stream a media message belongs to, or a finding for a wrong one. */
  #mediaStream(streamId: number, kind: string): StreamChecks | undefined {
    const stream = this.#published.get(streamId);
    if (stream !== undefined) return stream;
    if (kind === 'data' && streamId === 0) return undefined; // data on the NetConnection: not media
    if (this.#created.has(streamId))
      this.#once(
        'media-before-publish',
        `${kind} on stream ${streamId} before publish`,
        String(streamId),
        streamId,
      );
    else
      this.#once(
        'media-on-unknown-stream',
        `${kind} on stream ${streamId}, which createStream never returned`,
        String(streamId),
        streamId,
      );
    return undefined;
  }

  /** A window announced, and well past twice as much sent, without one acknowledgement back. */
  /**
   * A window announced, and of what was sent at least {@link ACK_GRACE_MS} ago, more than twice
   * the window past the client's latest Acknowledgement (or past the window's announcement).
   */
  #window(bytesSent: number | undefined): void {
    const window = this.#windowAnnounced;
    if (window === undefined || bytesSent === undefined) return;
    this.#windowFrom ??= bytesSent;
    const now = this.#now();
    const samples = this.#sentSamples;
    const last = samples.at(-1);
    // Within a sampling interval the latest figure replaces the last one (at most 100 ms older).
    if (last !== undefined && now - last.at < SAMPLE_EVERY_MS) last.bytes = bytesSent;
    else samples.push({ at: now, bytes: bytesSent });
    while (samples.length > 1 && samples[1]!.at <= now - ACK_GRACE_MS) samples.shift();
    const settled = samples[0]!;
    if (settled.at > now - ACK_GRACE_MS) return;
    const since = settled.bytes - this.#windowFrom;
    // Acknowledgements count what came after the handshake, modulo 2^32 (signed: a client may have
    // acknowledged more than was sent 2 s ago).
    const unacknowledged = (settled.bytes - HANDSHAKE_BYTES - (this.#acknowledged ?? 0)) | 0;
    if (since > 2 * window && unacknowledged > 2 * window)
      this.#once(
        'ack-window-ignored',
        this.#acknowledged === undefined
          ? `${since} bytes sent since a ${window}-byte acknowledgement window was announced (${ACK_GRACE_MS / 1000} s ago or more), and no Acknowledgement back`
          : `${unacknowledged} bytes sent (${ACK_GRACE_MS / 1000} s ago or more) past the client's latest Acknowledgement, with a ${window}-byte window`,
      );
  }

  #once(code: FindingCode, message: string, key = '', streamId?: number): void {
    if (this.#raised.has(`${code}:${key}`)) return;
    this.#raised.add(`${code}:${key}`);
    this.#raise(code, message, streamId);
  }

  #raise(code: FindingCode, message: string, streamId?: number): void {
    const count = (this.#counts.get(code) ?? 0) + 1;
    this.#counts.set(code, count);
    const finding: Finding = {
      code,
      severity: FINDING_KINDS[code].severity,
      message,
      at: new Date(this.#now()).toISOString(),
      ...(this.#index >= 0 ? { messageIndex: this.#index } : {}),
      ...(streamId === undefined ? {} : { streamId }),
    };
    const { maxFindings, maxFindingsPerCode } = { ...CONFORMANCE_DEFAULTS, ...this.#options };
    if (this.#findings.length >= maxFindings || count > maxFindingsPerCode) return;
    this.#findings.push(finding);
    this.#options.onFinding?.(finding);
  }
}

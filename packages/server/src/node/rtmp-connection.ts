import type { Socket } from 'node:net';
import { type ConnectRequest, encodeMessage } from '@rtmp/messages';
import { ConformanceChecker } from '../conformance/conformance-checker';
import type { RtmpServerError } from '../errors';
import type { ConnectionInfo, Refusal, RequestInfo, Verdict } from '../hooks';
import type { ServerEvent } from '../server-events';
import { ServerSession } from '../server-session';
import type { StreamHub } from '../stream-hub';
import type { Subscriber } from '../subscriber';
import type { AccessRules } from './access-rules';
import type { AdobeAuth } from './adobe-auth';
import type { ConnectionControl } from './connection-control';
import { diagnostics, report } from './diagnostics';
import { Liveness } from './liveness';
import { PeerFlow } from './peer-flow';
import type { RegistryLink } from './registry-link';
import type { Relays } from './relays';
import { ConnectionPlayback } from './rtmp-playback';
import { ConnectionPublishing, type StreamSource } from './rtmp-publishing';
import type { ResolvedOptions } from './server-options';
import { allows, decide } from './verdicts';
import { vodDuration, vodPath } from './vod';
import type { HeldWrites, WriteBatcher } from './write-batcher';

/** What the server shares with its connections. */
export interface ConnectionHost {
  readonly options: ResolvedOptions;
  readonly hub: StreamHub<StreamSource, Subscriber<HeldWrites>, HeldWrites>;
  readonly batcher: WriteBatcher;
  readonly access: AccessRules;
  readonly adobeAuth: AdobeAuth | undefined;
  readonly relays: Relays;
  /** The stream registry this server shares with other nodes, if any. */
  readonly registry: RegistryLink | undefined;
  refused(refusal: Refusal): void;
  forget(connection: RtmpConnection): void;
}

/** How often a connection's conformance checks look at it when it sends nothing. */
const CHECK_EVERY_MS = 1000;
let nextConnectionId = 1;

/**
 * One RTMP client connection: its {@link ServerSession} on a socket, its deadlines, the hooks'
 * decisions on its requests, what it publishes to the hub and what it plays.
 */
export class RtmpConnection {
  /** Its number in this process, from 1. */
  readonly id = nextConnectionId++;
  readonly session: ServerSession;
  /** @internal */
  readonly liveness: Liveness;
  /** @internal What it publishes. */
  readonly publishing: ConnectionPublishing;
  readonly #playback: ConnectionPlayback;
  #connect: ConnectRequest | undefined;
  #closed = false;
  /** Asked to reconnect: a new publish of a stream it publishes is let in as its successor. */
  reconnectRequested = false;
  readonly #peerFlow: PeerFlow;
  /** When a `write()` last returned false with no `'drain'` since (the queue's bound in time). */
  #backlogSince: number | undefined;
  readonly #checkTimer: ReturnType<typeof setInterval> | undefined;
  /** Reads are handled this late (a scripted fault), in order. */
  #readDelayMs = 0;
  /** Conformance checks of what the peer does, when `observe.finding` listens. */
  readonly #checker: ConformanceChecker | undefined;

  constructor(
    readonly server: ConnectionHost,
    readonly socket: Socket,
    readonly address: string,
  ) {
    const { vodDir } = server.options;
    const { received, finding } = server.options.observe ?? {};
    const checker = finding
      ? new ConformanceChecker({ onFinding: (found) => this.observe(() => finding(this.id, found)) })
      : undefined;
    this.#checker = checker;
    // A client that sends nothing is checked too (it may ignore the acknowledgement window).
    this.#checkTimer =
      checker && setInterval(() => checker.tick(socket.bytesWritten), CHECK_EVERY_MS).unref();
    this.session = new ServerSession({
      ...server.options,
      ...(received || checker
        ? {
            onMessage: (message) => {
              checker?.received(message);
              if (received) this.observe(() => received(this.id, message));
            },
          }
        : {}),
      ...(checker ? { onSent: (message) => checker.sent(message) } : {}),
      // getStreamLength: a recorded file's duration; live streams (and unknown names) 0.
      ...(vodDir !== undefined
        ? {
            streamLength: (name: string) => ((file) => (file ? vodDuration(file) : 0))(vodPath(vodDir, name)),
          }
        : {}),
    });
    this.#playback = new ConnectionPlayback(this);
    this.publishing = new ConnectionPublishing(this);
    this.#peerFlow = new PeerFlow(server.options.peerAcknowledgementTimeoutMs);
    socket.setNoDelay(true);
    this.liveness = new Liveness(server.options, {
      connected: () => this.session.state === 'connected',
      ping: (now) => this.write(this.session.ping(now)),
      close: () => this.close(),
    });
    socket.on('data', (bytes: Buffer) => {
      this.liveness.received();
      if (this.#readDelayMs > 0) setTimeout(() => this.#read(bytes), this.#readDelayMs);
      else this.#read(bytes);
    });
    socket.on('drain', () => {
      this.#backlogSince = undefined;
    });
    // With answers held back (a scripted delay), the end comes after the reads before it.
    const end = () =>
      this.#readDelayMs > 0 ? setTimeout(() => this.close(), this.#readDelayMs) : this.close();
    socket.on('error', end);
    socket.on('close', end);
  }

  #read(bytes: Buffer): void {
    this.server.batcher.batch(() => this.#output(this.session.receive(bytes)));
    this.#checker?.read({
      c2AnswersS1: this.session.c2AnswersS1,
      extendedTimestampOmissions: this.session.extendedTimestampOmissions,
      peerAcknowledged: this.session.peerAcknowledged,
      bytesSent: this.socket.bytesWritten,
    });
  }

  /** What a test harness may do to this connection (scripted faults). */
  get control(): ConnectionControl {
    return {
      close: (how = 'close') => {
        if (how === 'reset' && !this.socket.destroyed) this.socket.resetAndDestroy();
        this.close();
      },
      stall: (ms) => {
        this.socket.pause();
        setTimeout(() => {
          if (!this.#closed) this.socket.resume();
        }, ms).unref();
      },
      setChunkSize: (size) => this.write(this.session.encoder.setChunkSize(size)),
      requestReconnect: (options = {}) => this.askToReconnect(options),
      endPlays: () => this.#playback.endLive(),
      ping: () => this.write(this.session.ping(Date.now())),
      delay: (ms) => {
        this.#readDelayMs = ms;
      },
    };
  }

  get hub(): ConnectionHost['hub'] {
    return this.server.hub;
  }

  get options(): ResolvedOptions {
    return this.server.options;
  }

  get relays(): Relays {
    return this.server.relays;
  }

  get batcher(): WriteBatcher {
    return this.server.batcher;
  }

  /** When a `write()` found the socket's queue over its high-water mark, if it has not drained since. */
  get backlogSince(): number | undefined {
    return this.#backlogSince;
  }

  /** Writes to the socket: every byte leaves through here, so RTMPE encrypts them all, in order. */
  writeBytes(bytes: Uint8Array): void {
    if (this.socket.destroyed) return;
    const encryption = this.session.encryption;
    if (!this.socket.write(encryption ? encryption.encrypt(bytes) : bytes)) this.#backlogSince ??= Date.now();
  }

  write(pieces: readonly Uint8Array[]): void {
    if (this.socket.destroyed) return;
    if (pieces.length === 1) {
      this.writeBytes(pieces[0]!);
      return;
    }
    this.socket.cork();
    for (const piece of pieces) this.writeBytes(piece);
    this.socket.uncork();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#checkTimer);
    this.#checker?.closed(this.socket.bytesWritten);
    this.liveness.stop();
    report(diagnostics.close, () => ({ remoteAddress: this.address }));
    this.publishing.unpublishAll();
    this.#playback.stopAll();
    this.socket.destroy();
    this.server.forget(this);
  }

  /** Closes this connection for `error`, reported on the diagnostics channel. */
  fail(error: RtmpServerError): void {
    report(diagnostics.error, () => ({ remoteAddress: this.address, error }));
    this.close();
  }

  /** The stream key (`app/name`) of a name on this connection. */
  key(name: string): string {
    return `${this.#connect?.app ?? ''}/${name}`;
  }

  /**
   * Whether what we send may go on, for a peer that set Set Peer Bandwidth: `open` (room in its
   * window, or no limit), `full` (its window of unacknowledged bytes is used up), or `stalled`
   * (full, with no acknowledgement for `peerAcknowledgementTimeoutMs`).
   */
  flow(now: number): 'open' | 'full' | 'stalled' {
    const limit = this.session.peerFlow;
    // Most peers set no limit; `bytesWritten` is not free (it walks the socket's queue).
    return limit === undefined ? 'open' : this.#peerFlow.state(limit, this.socket.bytesWritten, now);
  }

  /** What {@link RtmpServer.requestReconnect}'s filter sees. */
  get info(): ConnectionInfo {
    return {
      id: this.id,
      remoteAddress: this.address,
      connect: this.#connect,
      publishing: this.publishing.keys,
      playing: this.#playback.keys,
    };
  }

  /** @internal It no longer publishes `streamId` (a successor or a replacement does). */
  released(streamId: number): void {
    this.publishing.released(streamId);
  }

  askToReconnect(options: { readonly tcUrl?: string; readonly description?: string }): void {
    this.reconnectRequested = true;
    this.write(this.session.requestReconnect(options));
  }

  #output(output: { send: Uint8Array[]; events: ServerEvent[] }): void {
    this.write(output.send);
    for (const event of output.events) this.#event(event);
  }

  #event(event: ServerEvent): void {
    switch (event.type) {
      case 'connect-request': {
        // With authmod=adobe, the challenge comes first; the app goes on without its auth parameters.
        const auth = this.server.adobeAuth?.check(event.request.app, Date.now());
        const request = auth?.allow ? { ...event.request, app: auth.app } : event.request;
        this.#decide(
          event.requestId,
          () =>
            auth && !auth.allow
              ? { allow: false, description: auth.description }
              : this.options.onConnect?.(request, this.address, this.id),
          () => {
            this.#connect = request;
            this.liveness.connected();
            this.observe(() => this.options.observe?.connected?.(request, this.address));
          },
        );
        return;
      }
      case 'publish-request': {
        const current = this.hub.streams.get(this.key(event.name))?.publisher;
        const info = { ...this.#info(event.name, event.query), publisher: current?.info };
        this.#decide(
          event.requestId,
          () => this.#verdict('publish', info),
          (verdict) => this.publishing.publish(event.streamId, info, verdict !== true),
          (verdict) => {
            // E1: one publisher per name; the first is untouched unless the hook said replace.
            // A publisher asked to reconnect may be followed by one successor (its new connection).
            const stream = this.hub.streams.get(this.key(event.name));
            const moving = stream?.publisher?.connection.reconnectRequested && !stream.successor;
            return stream?.publisher && verdict === true && !moving
              ? { allow: false, description: 'Already publishing' }
              : verdict;
          },
        );
        return;
      }
      case 'play-request': {
        const info = this.#info(event.name, event.query);
        this.#decide(
          event.requestId,
          () => this.#verdict('play', info),
          () =>
            this.#playback.play(
              event.streamId,
              { info, start: event.start, duration: event.duration },
              event.queued,
            ),
        );
        return;
      }
      case 'media':
        this.publishing.broadcast(event.streamId, encodeMessage(event.message));
        return;
      case 'stream-closed':
        if (event.role === 'publish') this.publishing.unpublish(event.streamId);
        else this.#playback.stop(event.streamId);
        return;
      case 'protocol-error': {
        const { cause } = event.error as { cause?: { code?: unknown } };
        this.#checker?.failed(
          typeof cause?.code === 'string' ? cause.code : event.error.code,
          event.error.message,
        );
        report(diagnostics.error, () => ({ remoteAddress: this.address, error: event.error }));
        this.close();
        return;
      }
      case 'player-control':
        this.#playback.control(event);
        return;
    }
  }

  /**
   * Asks the hook, then the server's own rule (`check`), and answers the request. A hook that
   * throws or rejects denies (E12: the session closes, the server goes on).
   */
  #decide(
    requestId: number,
    hook: () => Verdict | Promise<Verdict> | undefined,
    onAllow: (verdict: Verdict) => void,
    check?: (allowed: Verdict) => Verdict,
  ): void {
    const hookFailed = (error: unknown) =>
      report(diagnostics.error, () => ({ remoteAddress: this.address, error }));
    void decide(hook, check, hookFailed).then(
      (verdict) => {
        if (this.#closed) return;
        if (allows(verdict)) {
          this.#output(this.session.accept(requestId));
          onAllow(verdict);
        } else if (typeof verdict !== 'object' || !verdict.allow) {
          const reason = verdict === false ? { description: 'not allowed' } : verdict;
          this.#output(this.session.reject(requestId, reason));
          if (this.session.state === 'closed') this.close();
        }
      },
      () => this.close(),
    );
  }

  /** @internal Runs an observer; one that throws closes this connection, never the server. */
  observe(run: () => void): void {
    try {
      run();
    } catch {
      queueMicrotask(() => this.close());
    }
  }

  #info(name: string, query: string): RequestInfo {
    return {
      app: this.#connect?.app ?? '',
      name,
      query,
      remoteAddress: this.address,
      connect: this.#connect!,
      connectionId: this.id,
    };
  }

  /** A publish or play's verdict: the relay loop rule, the access rules, the hook, then the stream registry. */
  #verdict(action: 'publish' | 'play', info: RequestInfo): Verdict | Promise<Verdict> | undefined {
    const loop = this.server.relays.loop(this.#connect);
    const publish = action === 'publish';
    if (loop)
      return {
        allow: false,
        description: loop,
        code: publish ? 'NetStream.Publish.Denied' : 'NetStream.Play.Failed',
      };
    if (!this.#allowedByRules(action, info.name))
      return publish
        ? { allow: false, description: 'this address may not publish', code: 'NetStream.Publish.Denied' }
        : { allow: false, description: 'this address may not play' };
    const hook = publish ? this.options.onPublish?.(info) : this.options.onPlay?.(info);
    const { registry } = this.server;
    if (registry === undefined) return hook;
    return Promise.resolve(hook).then((verdict) =>
      registry.admit(action, this.key(info.name), info, verdict ?? true),
    );
  }

  /** Whether the access rules let this address `action`; a denial is reported as a refusal. */
  #allowedByRules(action: 'publish' | 'play', name: string): boolean {
    if (this.server.access.allows(action, this.address)) return true;
    this.server.refused({ kind: 'access', remoteAddress: this.address, action, name });
    return false;
  }
}

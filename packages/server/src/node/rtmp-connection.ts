import type { Socket } from 'node:net';
import type { RawMessage } from '@rtmp/chunk';
import { type ConnectRequest, encodeMessage, type MediaInfo, mediaInfo } from '@rtmp/messages';
import { RtmpServerError } from '../errors';
import type { ConnectionInfo, Refusal, RequestInfo, Verdict } from '../hooks';
import type { LiveStream } from '../live-stream';
import { type ServerEvent, ServerSession } from '../server-session';
import type { StreamHub } from '../stream-hub';
import type { AccessRules } from './access-rules';
import type { AdobeAuth } from './adobe-auth';
import { diagnostics, report } from './diagnostics';
import { Liveness } from './liveness';
import { ConnectionPlayback } from './rtmp-playback';
import type { RtmpSubscriber } from './rtmp-subscriber';
import type { ResolvedOptions } from './server-options';
import { vodDuration, vodPath } from './vod';
import type { HeldWrites, WriteBatcher } from './write-batcher';

/** What the server shares with its connections. */
export interface ConnectionHost {
  readonly options: ResolvedOptions;
  readonly hub: StreamHub<RtmpConnection, RtmpSubscriber, HeldWrites>;
  readonly batcher: WriteBatcher;
  readonly access: AccessRules;
  readonly adobeAuth: AdobeAuth | undefined;
  refused(refusal: Refusal): void;
  forget(connection: RtmpConnection): void;
}

/** What the server sends in the handshake (S0, S1, S2), which acknowledgements do not count. */
const HANDSHAKE_BYTES = 1 + 1536 + 1536;

/**
 * One RTMP client connection: its {@link ServerSession} on a socket, its deadlines, the hooks'
 * decisions on its requests, what it publishes to the hub and what it plays.
 */
export class RtmpConnection {
  readonly session: ServerSession;
  readonly #liveness: Liveness;
  readonly #playback: ConnectionPlayback;
  #connect: ConnectRequest | undefined;
  readonly #published = new Map<number, LiveStream<RtmpConnection, RtmpSubscriber>>();
  #closed = false;
  /** Asked to reconnect: a new publish of a stream it publishes is let in as its successor. */
  reconnectRequested = false;
  /** The peer's latest acknowledgement under a Set Peer Bandwidth limit, and when it last moved. */
  #acknowledged: number | undefined;
  #acknowledgedAt = 0;
  /** When a `write()` last returned false with no `'drain'` since (the queue's bound in time). */
  #backlogSince: number | undefined;

  constructor(
    readonly server: ConnectionHost,
    readonly socket: Socket,
    readonly address: string,
  ) {
    const { vodDir } = server.options;
    this.session = new ServerSession({
      ...server.options,
      // getStreamLength: a recorded file's duration; live streams (and unknown names) 0.
      ...(vodDir !== undefined
        ? {
            streamLength: (name: string) => ((file) => (file ? vodDuration(file) : 0))(vodPath(vodDir, name)),
          }
        : {}),
    });
    this.#playback = new ConnectionPlayback(this);
    socket.setNoDelay(true);
    this.#liveness = new Liveness(server.options, {
      connected: () => this.session.state === 'connected',
      ping: (now) => this.write(this.session.ping(now)),
      close: () => this.close(),
    });
    socket.on('data', (bytes: Buffer) => {
      this.#liveness.received();
      this.server.batcher.batch(() => this.#output(this.session.receive(bytes)));
    });
    socket.on('drain', () => {
      this.#backlogSince = undefined;
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get hub(): ConnectionHost['hub'] {
    return this.server.hub;
  }

  get options(): ResolvedOptions {
    return this.server.options;
  }

  /** When a `write()` found the socket's queue over its high-water mark, if it has not drained since. */
  get backlogSince(): number | undefined {
    return this.#backlogSince;
  }

  writeBytes(bytes: Uint8Array): void {
    if (!this.socket.destroyed && !this.socket.write(bytes)) this.#backlogSince ??= Date.now();
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
    this.#liveness.stop();
    report(diagnostics.close, () => ({ remoteAddress: this.address }));
    for (const streamId of [...this.#published.keys()]) this.#unpublish(streamId);
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
    if (limit === undefined) return 'open';
    if (limit.acknowledged !== this.#acknowledged) {
      this.#acknowledged = limit.acknowledged;
      this.#acknowledgedAt = now;
    }
    // Acknowledgements count what came after the handshake (S0, S1, S2), modulo 2^32.
    const sent = Math.max(0, this.socket.bytesWritten - HANDSHAKE_BYTES) % 2 ** 32;
    const unacknowledged = (sent - limit.acknowledged + 2 ** 32) % 2 ** 32;
    if (unacknowledged < limit.window) return 'open';
    return now - this.#acknowledgedAt > this.options.peerAcknowledgementTimeoutMs ? 'stalled' : 'full';
  }

  /** What {@link RtmpServer.requestReconnect}'s filter sees. */
  get info(): ConnectionInfo {
    return {
      remoteAddress: this.address,
      connect: this.#connect,
      publishing: [...this.#published.values()].map((stream) => stream.key),
      playing: this.#playback.keys,
    };
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
              : this.options.onConnect?.(request, this.address),
          () => {
            this.#connect = request;
            this.#liveness.connected();
            this.#observe(() => this.options.observe?.connected?.(request, this.address));
          },
        );
        return;
      }
      case 'publish-request': {
        const current = this.hub.streams.get(this.key(event.name))?.publisher;
        const info = { ...this.#info(event.name, event.query), publisher: current?.info };
        this.#decide(
          event.requestId,
          () =>
            this.#allowedByRules('publish', info.name)
              ? this.options.onPublish?.(info)
              : {
                  allow: false,
                  description: 'this address may not publish',
                  code: 'NetStream.Publish.Denied',
                },
          (verdict) => this.#publish(event.streamId, info, verdict !== true),
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
          () =>
            this.#allowedByRules('play', info.name)
              ? this.options.onPlay?.(info)
              : { allow: false, description: 'this address may not play' },
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
        this.#broadcast(event.streamId, encodeMessage(event.message));
        return;
      case 'stream-closed':
        if (event.role === 'publish') this.#unpublish(event.streamId);
        else this.#playback.stop(event.streamId);
        return;
      case 'protocol-error':
        report(diagnostics.error, () => ({ remoteAddress: this.address, error: event.error }));
        this.close();
        return;
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
    const allows = (verdict: Verdict) => verdict === true || (typeof verdict === 'object' && verdict.allow);
    // A hook that throws or rejects denies (E12); it never reaches the socket's event handler.
    const failed = (error: unknown): Verdict => {
      report(diagnostics.error, () => ({ remoteAddress: this.address, error }));
      return { allow: false, description: 'refused: the server could not decide' };
    };
    void Promise.resolve()
      .then(hook)
      .then((verdict) => verdict ?? true, failed)
      .then((verdict) => (allows(verdict) && check ? check(verdict) : verdict))
      .then(
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

  /** Runs an observer; one that throws closes this connection, never the server. */
  #observe(run: () => void): void {
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
    };
  }

  /** Whether the access rules let this address `action`; a denial is reported as a refusal. */
  #allowedByRules(action: 'publish' | 'play', name: string): boolean {
    if (this.server.access.allows(action, this.address)) return true;
    this.server.refused({ kind: 'access', remoteAddress: this.address, action, name });
    return false;
  }

  #publish(streamId: number, info: RequestInfo, replace: boolean): void {
    const stream = this.hub.open(this.key(info.name));
    const currentMoving = stream.publisher?.connection.reconnectRequested ?? false;
    const result = this.hub.publish(stream, { connection: this, streamId, info }, { replace, currentMoving });
    if (result.outcome === 'lost') {
      this.close(); // lost a race with another publisher between the check and now
      return;
    }
    this.#published.set(streamId, stream);
    this.#liveness.publishing(Date.now());
    if (result.outcome === 'successor') return;
    const { replaced } = result;
    if (replaced) {
      // The stream changed hands: the old connection goes without unpublishing to the players.
      replaced.connection.#published.delete(replaced.streamId);
      replaced.connection.close();
      this.#observe(() => this.options.observe?.unpublished?.(stream.key));
    }
    this.#observe(() => this.options.observe?.published?.(stream.key, info));
  }

  /** This connection no longer publishes `streamId` (its successor does); it may still close it. */
  #released(streamId: number): void {
    this.#published.delete(streamId);
    if (this.#published.size === 0) this.#liveness.notPublishing();
  }

  #unpublish(streamId: number): void {
    const stream = this.#published.get(streamId);
    if (!stream) return;
    this.#released(streamId);
    if (this.hub.unpublish(stream, this, streamId))
      this.#observe(() => this.options.observe?.unpublished?.(stream.key));
  }

  /** A published message: counted, cached, observed, then fanned out to the stream's subscribers. */
  #broadcast(streamId: number, message: RawMessage): void {
    const stream = this.#published.get(streamId);
    if (!stream) return;
    if (stream.successor?.connection === this && stream.successor.streamId === streamId) {
      // The successor's first media: it publishes the stream from now on; the old publisher is let go.
      const old = this.hub.takeOver(stream);
      if (old) old.connection.#released(old.streamId);
    }
    const now = Date.now();
    this.#liveness.media(now);
    let info: MediaInfo;
    try {
      info = mediaInfo(message);
      stream.add(message, now, info);
    } catch (cause) {
      // A bad publisher is closed; its stream's players and every other stream go on.
      const error = RtmpServerError.isInstance(cause)
        ? cause
        : new RtmpServerError(
            'SERVER_BAD_MEDIA',
            `unreadable media from the publisher of ${stream.key}: ${(cause as Error).message}`,
            { cause },
          );
      this.fail(error);
      return;
    }
    this.#observe(() => this.options.observe?.message?.(stream.key, message));
    this.hub.fanOut(stream, message, info, now, this.server.batcher.hold(stream));
  }
}

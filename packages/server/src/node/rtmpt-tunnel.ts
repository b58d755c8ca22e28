import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RtmptSession } from './rtmpt-session';

/** RTMPT sessions open at once, by default. */
export const DEFAULT_RTMPT_MAX_SESSIONS = 1000;
/** A session without a request for this long is closed, by default (clients poll several times a second). */
export const DEFAULT_RTMPT_IDLE_TIMEOUT_MS = 30_000;
/** Bytes waiting for a client's next request before writes to it are held back, by default. */
export const DEFAULT_RTMPT_MAX_PENDING_BYTES = 8 * 1024 * 1024;
/** Largest request body (RTMP bytes a client sends in one `/send`), by default. */
export const DEFAULT_RTMPT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/** Limits of the RTMPT tunnel (`rtmpt://`, RTMP over HTTP POSTs). */
export interface RtmptOptions {
  /** Sessions open at once; an `/open` past it gets 503. @default 1000 ({@link DEFAULT_RTMPT_MAX_SESSIONS}) */
  readonly maxSessions?: number;
  /** Close a session that sends no request for this long. @default 30000 ({@link DEFAULT_RTMPT_IDLE_TIMEOUT_MS}) */
  readonly idleTimeoutMs?: number;
  /** Bytes waiting for a client before writes to it are held back. @default 8 MiB ({@link DEFAULT_RTMPT_MAX_PENDING_BYTES}) */
  readonly maxPendingBytes?: number;
  /** Largest request body; a larger one gets 413 and ends its session. @default 8 MiB ({@link DEFAULT_RTMPT_MAX_REQUEST_BYTES}) */
  readonly maxRequestBytes?: number;
}

/** What the tunnel needs from the server: a place to run each session as an RTMP connection. */
export interface RtmptHost {
  handle(socket: Socket): void;
  /** Says once that an `/open` was refused for `maxSessions`. */
  refusedSession(remoteAddress: string, limit: number): void;
}

const CONTENT_TYPE = 'application/x-fcs';
/** `/open/1`, `/send/<id>/<seq>`, `/idle/<id>/<seq>`, `/close/<id>/<seq>` (FMS's, Red5's and FFmpeg's paths). */
const PATH = /^\/(open|send|idle|close)\/([^/]+)(?:\/(\d+))?$/;

/**
 * The server side of RTMPT: each session gets a random id (128 bits, so it cannot be guessed),
 * runs as an RTMP connection of its own, and carries bytes both ways on the client's POSTs.
 * `handle` answers the tunnel's requests and returns false for any other, so it can share a
 * `node:http` server with other routes.
 */
export class RtmptTunnel {
  readonly #sessions = new Map<string, { session: RtmptSession; idle: NodeJS.Timeout }>();
  readonly #maxSessions: number;
  readonly #idleTimeoutMs: number;
  readonly #maxPendingBytes: number;
  readonly #maxRequestBytes: number;

  constructor(
    private readonly host: RtmptHost,
    options: RtmptOptions = {},
  ) {
    this.#maxSessions = options.maxSessions ?? DEFAULT_RTMPT_MAX_SESSIONS;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_RTMPT_IDLE_TIMEOUT_MS;
    this.#maxPendingBytes = options.maxPendingBytes ?? DEFAULT_RTMPT_MAX_PENDING_BYTES;
    this.#maxRequestBytes = options.maxRequestBytes ?? DEFAULT_RTMPT_MAX_REQUEST_BYTES;
  }

  /** Sessions open now. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Answers an RTMPT request; false (and nothing sent) when the path is not the tunnel's. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const match = PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match) return false;
    const [, command, id] = match as unknown as [string, string, string];
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.#maxRequestBytes) {
        this.#close(id);
        res.writeHead(413, { connection: 'close' }).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      if (command === 'open') this.#open(req, res);
      else this.#carry(command, id, Buffer.concat(chunks), res);
    });
    req.on('error', () => res.destroy());
    return true;
  }

  /** Ends every session (the server is closing). */
  close(): void {
    for (const id of [...this.#sessions.keys()]) this.#close(id);
  }

  #open(req: IncomingMessage, res: ServerResponse): void {
    const remoteAddress = req.socket.remoteAddress ?? 'unknown';
    if (this.#sessions.size >= this.#maxSessions) {
      this.host.refusedSession(remoteAddress, this.#maxSessions);
      res.writeHead(503).end();
      return;
    }
    const session = new RtmptSession(randomBytes(16).toString('hex'), remoteAddress, this.#maxPendingBytes);
    const idle = setTimeout(() => session.destroy(), this.#idleTimeoutMs).unref();
    this.#sessions.set(session.id, { session, idle });
    session.once('close', () => {
      clearTimeout(idle);
      this.#sessions.delete(session.id);
    });
    this.host.handle(session as unknown as Socket);
    this.#reply(res, Buffer.from(`${session.id}\n`));
  }

  #carry(command: string, id: string, body: Buffer, res: ServerResponse): void {
    const entry = this.#sessions.get(id);
    if (!entry || entry.session.destroyed) {
      res.writeHead(404).end();
      return;
    }
    entry.idle.refresh();
    const { session } = entry;
    // An idle or close request's body is one filler byte, not RTMP.
    if (command === 'send') session.receive(body);
    const reply = session.respond();
    if (command === 'close') this.#close(id);
    this.#reply(res, reply);
  }

  #reply(res: ServerResponse, body: Buffer): void {
    res
      .writeHead(200, {
        'content-type': CONTENT_TYPE,
        'content-length': body.length,
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      })
      .end(body);
  }

  #close(id: string): void {
    this.#sessions.get(id)?.session.destroy();
  }
}

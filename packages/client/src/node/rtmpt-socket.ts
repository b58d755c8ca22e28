import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';

/** Bytes written but not yet sent before writes wait for a `/send` to take them. */
const MAX_UNSENT_BYTES = 1024 * 1024;
/** An idle poll waits this long per unit of the server's polling hint (the first byte of each response). */
const POLL_STEP_MS = 20;
/** The longest wait between idle polls. */
const MAX_POLL_WAIT_MS = 500;

/** Where an RTMPT tunnel goes: `rtmpt://` (HTTP) or `rtmpts://` (HTTPS). */
export interface RtmptTarget {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly tls?: ConnectionOptions;
}

/**
 * The client side of RTMPT, shaped like the socket {@link RtmpConnection} writes to and reads
 * from: `POST /open/1` gets a session id (then `'connect'`), what is written goes out in
 * `POST /send/<id>/<seq>`, and when there is nothing to send it polls with `POST /idle/<id>/<seq>`;
 * each response is a polling hint byte and the server's RTMP bytes. One request at a time, in
 * order, on one kept-alive HTTP connection, as FFmpeg and Flash Player do.
 */
export class RtmptSocket extends Duplex {
  readonly #target: RtmptTarget;
  readonly #agent: HttpAgent;
  #id: string | undefined;
  #seq = 0;
  #unsent: Buffer[] = [];
  #unsentBytes = 0;
  /** The write held while too much is unsent. */
  #held: (() => void) | undefined;
  /** Wakes an idle wait when something is written. */
  #wake: (() => void) | undefined;

  constructor(target: RtmptTarget) {
    super({ allowHalfOpen: false });
    this.#target = target;
    this.#agent = target.secure
      ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ...target.tls })
      : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    void this.#run();
  }

  // What RtmpConnection calls on a net.Socket, meaningless for a tunnel.
  setNoDelay(): this {
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#unsent.push(chunk);
    this.#unsentBytes += chunk.length;
    if (this.#unsentBytes > MAX_UNSENT_BYTES) this.#held = done;
    else done();
    this.#wake?.();
  }

  override _final(done: (error?: Error | null) => void): void {
    // What is still unsent goes in the loop's next request; then the session closes (a tunnel
    // has no half-closed state: `/close` ends both directions).
    this.#wake?.();
    const check = () => {
      if (this.#unsentBytes > 0 && !this.destroyed) {
        setTimeout(check, POLL_STEP_MS);
        return;
      }
      done();
      this.destroy();
    };
    check();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#wake?.();
    const id = this.#id;
    this.#id = undefined;
    // Tell the server, best effort; the session would expire anyway.
    if (id !== undefined)
      this.#post(`/close/${id}/${this.#seq++}`, Buffer.of(0)).then(
        () => this.#agent.destroy(),
        () => this.#agent.destroy(),
      );
    else this.#agent.destroy();
    done(error);
  }

  async #run(): Promise<void> {
    try {
      const opened = await this.#post('/open/1', Buffer.of(0));
      if (this.destroyed) return;
      this.#id = opened.toString('latin1').trim();
      this.emit(this.#target.secure ? 'secureConnect' : 'connect');
      while (!this.destroyed && this.#id !== undefined) {
        const sending = this.#unsentBytes > 0;
        const body = sending ? Buffer.concat(this.#unsent) : Buffer.of(0); // an idle poll carries one filler byte
        this.#unsent = [];
        this.#unsentBytes = 0;
        const held = this.#held;
        this.#held = undefined;
        held?.();
        const reply = await this.#post(`/${sending ? 'send' : 'idle'}/${this.#id}/${this.#seq++}`, body);
        if (this.destroyed) return;
        if (reply.length > 1) this.push(reply.subarray(1));
        else if (!sending) await this.#idle(Math.min(MAX_POLL_WAIT_MS, POLL_STEP_MS * (reply[0] ?? 1)));
      }
    } catch (error) {
      this.destroy(error as Error);
    }
  }

  /** Waits before the next poll, unless something is written first. */
  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  #post(path: string, body: Buffer): Promise<Buffer> {
    const request = this.#target.secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.#agent,
          host: this.#target.host,
          port: this.#target.port,
          method: 'POST',
          path,
          headers: {
            'content-type': 'application/x-fcs',
            'content-length': body.length,
            'cache-control': 'no-cache',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (res.statusCode === 200) resolve(Buffer.concat(chunks));
            else
              reject(
                new Error(`the RTMPT server answered ${path.split('/', 2)[1]} with HTTP ${res.statusCode}`),
              );
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

import type { ConnectionControl, Verdict } from '@rtmp/server';
import { describeFault, type Fault, isTimed } from './faults';

type Role = 'publisher' | 'player';

/**
 * Plays scripted faults on the connections they match: refusals and late answers through the
 * hooks, the rest at their time after a connection's first publish or play, through
 * {@link ConnectionControl}. Tells `applied` of each fault as it acts.
 */
export class FaultScript {
  readonly #ordinals = new Map<number, number>();
  readonly #started = new Set<number>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #connects = 0;

  constructor(
    private readonly faults: readonly Fault[],
    private readonly control: (id: number) => ConnectionControl | undefined,
    private readonly applied: (id: number, fault: Fault) => void,
  ) {}

  /** The acknowledgement window a `window=BYTES` fault announces (to every connection). */
  get window(): number | undefined {
    for (const fault of this.faults) if (fault.kind === 'window') return fault.bytes;
    return undefined;
  }

  /** Connection `id` sent `connect`: it is the next in order; `delay` faults start for it. */
  connected(id: number): void {
    if (this.#ordinals.has(id)) return;
    this.#ordinals.set(id, ++this.#connects);
    for (const fault of this.faults)
      if (fault.kind === 'delay' && this.#matches(fault, id)) {
        this.control(id)?.delay(fault.ms);
        this.applied(id, fault);
      }
  }

  /**
   * A `reject-*` fault's refusal of this request, or its answer held by a `delay` fault;
   * `undefined` when no fault is about it (`next` decides).
   */
  verdict(
    request: 'connect' | 'publish' | 'play',
    id: number | undefined,
    next: () => Verdict | Promise<Verdict>,
    stream?: string,
  ): Verdict | Promise<Verdict> {
    if (id === undefined) return next();
    const role: Role | undefined =
      request === 'publish' ? 'publisher' : request === 'play' ? 'player' : undefined;
    const reject = this.faults.find(
      (fault) => fault.kind === `reject-${request}` && this.#matches(fault, id, role, stream),
    );
    if (reject !== undefined && 'code' in reject) {
      this.applied(id, reject);
      return {
        allow: false,
        description: `refused by the fault ${describeFault(reject)}`,
        code: reject.code,
      };
    }
    // A connect is answered late by its own read's delay; its answer is the one hook to hold too.
    const delay =
      request === 'connect'
        ? this.faults.find((fault) => fault.kind === 'delay' && this.#matches(fault, id))
        : undefined;
    if (delay === undefined || delay.kind !== 'delay') return next();
    return new Promise((resolve) => this.#after(delay.ms, () => resolve(next())));
  }

  /** Connection `id` published or played `stream`: its timed faults are scheduled (the first time). */
  started(id: number, role: Role, stream: string): void {
    if (this.#started.has(id)) return;
    this.#started.add(id);
    for (const fault of this.faults) {
      if (!isTimed(fault) || !this.#matches(fault, id, role, stream)) continue;
      if (fault.kind === 'ping') {
        const tick = () => {
          const control = this.control(id);
          if (control === undefined) return;
          control.ping();
          this.#after(fault.everyMs, tick);
        };
        this.applied(id, fault);
        this.#after(fault.everyMs, tick);
        continue;
      }
      this.#after(fault.atMs, () => {
        const control = this.control(id);
        if (control === undefined) return;
        this.applied(id, fault);
        if (fault.kind === 'drop') control.close('close');
        else if (fault.kind === 'rst') control.close('reset');
        else if (fault.kind === 'eof') control.endPlays();
        else if (fault.kind === 'stall') control.stall(fault.forMs);
        else if (fault.kind === 'chunk-size') control.setChunkSize(fault.size);
        else if (fault.kind === 'reconnect')
          control.requestReconnect(fault.tcUrl === undefined ? {} : { tcUrl: fault.tcUrl });
      });
    }
  }

  /** Stops every pending fault. */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #matches(fault: Fault, id: number, role?: Role, stream?: string): boolean {
    if (fault.connection !== undefined && this.#ordinals.get(id) !== fault.connection) return false;
    if (fault.role !== undefined && fault.role !== role) return false;
    return fault.stream === undefined || fault.stream === stream;
  }
}

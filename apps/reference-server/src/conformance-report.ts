import type { RtmpMessage } from '@rtmp/messages';
import type { Finding, FindingCode } from '@rtmp/server';

/** Connections a report lists: the latest ones (the summary counts every finding). */
export const DEFAULT_REPORT_CONNECTIONS = 1000;

/** One connection in a {@link ConformanceReportJson}: who it was, what it did, what was found. */
export interface ReportedConnection {
  readonly id: number;
  readonly address: string;
  readonly app: string;
  readonly flashVer: string;
  /** `publisher` once it published, `player` once it played, else `unknown`. */
  readonly role: 'publisher' | 'player' | 'unknown';
  /** The stream it published or played (the first), if any. */
  readonly stream: string | undefined;
  readonly findings: readonly Finding[];
  /** The scripted faults played on it (`--fault`), as specs. */
  readonly faults: readonly string[];
}

/** The conformance report: `--report FILE`, `GET /api/report`, `report()`. */
export interface ConformanceReportJson {
  readonly connections: readonly ReportedConnection[];
  /** Findings per code, over every connection (also those no longer listed). */
  readonly summary: Readonly<Partial<Record<FindingCode, number>>>;
}

type Entry = { -readonly [K in keyof ReportedConnection]: ReportedConnection[K] } & {
  findings: Finding[];
  faults: string[];
};

/**
 * The findings of every connection, with who each connection was (from what it sent: connect's
 * app and flashVer, its publish or play), bounded to the latest `maxConnections`.
 */
export class ConformanceReport {
  readonly #connections = new Map<number, Entry>();
  readonly #summary = new Map<FindingCode, number>();

  constructor(
    private readonly addressOf: (id: number) => string | undefined,
    private readonly maxConnections = DEFAULT_REPORT_CONNECTIONS,
  ) {}

  /** A message connection `id` sent: only connect, publish and play say who it is. */
  received(id: number, message: RtmpMessage): void {
    if (message.type !== 'command') return;
    const { name } = message;
    if (name === 'connect') {
      const object = (message.commandObject ?? {}) as Record<string, unknown>;
      const entry = this.#entry(id);
      entry.app = typeof object['app'] === 'string' ? object['app'] : '';
      entry.flashVer = typeof object['flashVer'] === 'string' ? object['flashVer'] : '';
    } else if (name === 'publish' || name === 'play' || name === 'play2') {
      const entry = this.#entry(id);
      if (entry.role !== 'unknown') return;
      entry.role = name === 'publish' ? 'publisher' : 'player';
      const stream =
        name === 'play2' ? (message.args[0] as { streamName?: unknown })?.streamName : message.args[0];
      entry.stream = typeof stream === 'string' ? stream.split('?')[0] : undefined;
    }
  }

  finding(id: number, finding: Finding): void {
    this.#entry(id).findings.push(finding);
    this.#summary.set(finding.code, (this.#summary.get(finding.code) ?? 0) + 1);
  }

  /** A scripted fault was played on connection `id`. */
  fault(id: number, fault: string): void {
    this.#entry(id).faults.push(fault);
  }

  json(): ConformanceReportJson {
    return {
      connections: [...this.#connections.values()].map((entry) => ({
        ...entry,
        findings: [...entry.findings],
      })),
      summary: Object.fromEntries(this.#summary),
    };
  }

  #entry(id: number): Entry {
    let entry = this.#connections.get(id);
    if (entry === undefined) {
      entry = {
        id,
        address: this.addressOf(id) ?? '',
        app: '',
        flashVer: '',
        role: 'unknown',
        stream: undefined,
        findings: [],
        faults: [],
      };
      this.#connections.set(id, entry);
      if (this.#connections.size > this.maxConnections)
        this.#connections.delete(this.#connections.keys().next().value!);
    }
    return entry;
  }
}

import type { RtmpMessage } from '@rtmp/messages';

/** Connections whose messages the console can show: the latest ones. */
export const CONNECTION_LOG_CONNECTIONS = 100;
/** Commands, data and control messages kept per connection: the latest ones. */
export const CONNECTION_LOG_MESSAGES = 200;
/** Audio and video messages kept per connection besides them: the latest ones (media would crowd the commands out). */
export const CONNECTION_LOG_MEDIA = 50;
/** A command's arguments are shown up to this many characters of JSON. */
const ARGS_CHARS = 300;

/** One message a connection sent, as the console shows it: commands decoded, media summarised. */
export interface ReceivedSummary {
  /** Its place among what the connection sent, from 0. */
  readonly sequence: number;
  readonly type: string;
  readonly streamId: number;
  readonly timestamp: number;
  /** A command's or data message's name. */
  readonly name?: string;
  /** A command's object and arguments (or a data message's values), as JSON, shortened. */
  readonly args?: string;
  /** A media message's payload size in bytes. */
  readonly size?: number;
}

const json = (values: unknown) => {
  const text = JSON.stringify(values, (_key, value) =>
    value instanceof Uint8Array
      ? `<${value.length} bytes>`
      : typeof value === 'bigint'
        ? String(value)
        : value,
  );
  return text.length > ARGS_CHARS ? `${text.slice(0, ARGS_CHARS)}…` : text;
};

/** What the console shows of a message. */
export function summarise(message: RtmpMessage, sequence: number): ReceivedSummary {
  const base = { sequence, type: message.type, streamId: message.streamId, timestamp: message.timestamp };
  switch (message.type) {
    case 'command':
      return { ...base, name: message.name, args: json([message.commandObject, ...message.args]) };
    case 'data':
      return { ...base, name: message.name, args: json(message.values) };
    case 'audio':
    case 'video':
      return { ...base, size: message.payload.length };
    case 'aggregate':
      return { ...base, size: message.messages.reduce((sum, sub) => sum + sub.payload.length, 0) };
    default:
      return base;
  }
}

/**
 * The latest messages of the latest connections, for the console: bounded in connections and in
 * messages per connection, whatever a client sends.
 */
export class ConnectionLog {
  readonly #logs = new Map<number, { sent: number; other: ReceivedSummary[]; media: ReceivedSummary[] }>();

  add(connectionId: number, message: RtmpMessage): void {
    let log = this.#logs.get(connectionId);
    if (log === undefined) {
      log = { sent: 0, other: [], media: [] };
      this.#logs.set(connectionId, log);
      if (this.#logs.size > CONNECTION_LOG_CONNECTIONS) this.#logs.delete(this.#logs.keys().next().value!);
    }
    const media = message.type === 'audio' || message.type === 'video' || message.type === 'aggregate';
    const kept = media ? log.media : log.other;
    kept.push(summarise(message, log.sent++));
    if (kept.length > (media ? CONNECTION_LOG_MEDIA : CONNECTION_LOG_MESSAGES)) kept.shift();
  }

  /** The messages kept for a connection, in the order it sent them. */
  get(connectionId: number): readonly ReceivedSummary[] | undefined {
    const log = this.#logs.get(connectionId);
    return log && [...log.other, ...log.media].sort((a, b) => a.sequence - b.sequence);
  }
}

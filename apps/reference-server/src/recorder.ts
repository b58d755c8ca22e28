import { mkdirSync, renameSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { RawMessage } from '@rtmp/chunk';
import { createFlvWriter, type FlvStreamWriter, messageToFlvTag } from '@rtmp/flv';
import { STREAM_NAME_PATTERN } from './stream-name';

/** A data message body that starts with the AMF0 string `onMetaData`. */
const ON_METADATA = Buffer.from('\x02\x00\x0aonMetaData', 'latin1');
const isMetadata = (payload: Uint8Array) =>
  Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.length, ON_METADATA.length)).equals(
    ON_METADATA,
  );

/**
 * The file a stream key (`app/name`) records to, inside `dir`, or `undefined` when the name is
 * not allowed: segments outside the allowlist, `.` or `..`, or a path that would leave the
 * directory once resolved (E3).
 */
export function recordingPath(dir: string, key: string): string | undefined {
  const segments = key.split('/');
  if (!segments.every((s) => STREAM_NAME_PATTERN.test(s) && s !== '.' && s !== '..')) return undefined;
  const root = resolve(dir);
  const file = resolve(root, `${segments.join('_')}.flv`);
  const inside = relative(root, file);
  return inside.startsWith('..') || inside.includes('/') ? undefined : file;
}

/**
 * Records one published stream to FLV: written under `<name>.flv.part` and renamed to
 * `<name>-<time>.flv` when the stream ends, so a finished name is never a half-written file (F10).
 * A write that fails (a full disk, F9) stops the recording, never the stream: `onError` hears of
 * it once and the `.part` file stays, valid up to its last whole tag.
 */
export class Recorder {
  readonly #writer: FlvStreamWriter;
  readonly #part: string;
  readonly #final: string;
  #pending: Promise<void> = Promise.resolve();
  #failed: Error | undefined;
  /** Last timestamp written per tag type: a file's timestamps never go backwards (E11). */
  readonly #last = new Map<number, number>();

  constructor(
    file: string,
    private readonly onError: (error: Error) => void,
  ) {
    mkdirSync(resolve(file, '..'), { recursive: true });
    this.#part = `${file}.part`;
    this.#final = file.replace(/\.flv$/, `-${new Date().toISOString().replace(/[:.]/g, '-')}.flv`);
    this.#writer = createFlvWriter(this.#part, { hasAudio: true, hasVideo: true });
  }

  /**
   * Appends a message (audio, video, data); writes are queued in order. Metadata is a file header:
   * an `onMetaData` after the first media tag (GStreamer's flvmux repeats it) is not written, as
   * ffprobe and players would take it for a text stream; nginx-rtmp's recorder does the same.
   */
  write(message: RawMessage): void {
    const tag = messageToFlvTag(message);
    if (!tag || this.#failed) return;
    const mediaWritten = this.#last.has(8) || this.#last.has(9);
    if (tag.type === 18 && mediaWritten && isMetadata(message.payload)) return;
    const timestamp = Math.max(tag.timestamp, this.#last.get(tag.type) ?? 0);
    this.#last.set(tag.type, timestamp);
    this.#pending = this.#pending
      .then(() => (this.#failed ? undefined : this.#writer.write({ ...tag, timestamp })))
      .catch((error: Error) => this.#fail(error));
  }

  #fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = error;
    this.onError(error);
  }

  /** Flushes, closes and renames; resolves with the final path. */
  async finish(): Promise<string> {
    await this.#pending;
    if (this.#failed) throw this.#failed;
    await this.#writer.close();
    renameSync(this.#part, this.#final);
    return this.#final;
  }
}

import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { FlvWarning } from '../errors';
import { FlvReader, type FlvReaderOptions, type FlvReadItem } from '../flv-reader';
import type { FlvHeader, FlvTag } from '../flv-tag';
import { encodeFlvHeader, encodeFlvTag } from '../flv-writer';

/** What {@link readFlv} yields: the header, tags, and a final warning if the input was cut. */
export type FlvFileItem = FlvReadItem | { readonly kind: 'warning'; readonly warning: FlvWarning };

/**
 * Reads an FLV file or stream (a path, `-` for stdin, or any Readable) as an async iterable.
 * @throws {@link FlvError} for input that is not FLV; a file cut inside a tag ends with a
 *   `warning` item instead.
 * @example
 * ```ts
 * for await (const item of readFlv('input.flv')) if (item.kind === 'tag') console.log(item.tag.type, item.tag.timestamp);
 * ```
 */
export async function* readFlv(
  source: string | Readable,
  options?: FlvReaderOptions,
): AsyncGenerator<FlvFileItem> {
  const input =
    typeof source !== 'string' ? source : source === '-' ? process.stdin : createReadStream(source);
  const reader = new FlvReader(options);
  try {
    for await (const chunk of input as AsyncIterable<Uint8Array>) {
      reader.push(chunk);
      for (let item = reader.next(); item !== undefined; item = reader.next()) yield item;
    }
  } finally {
    if (typeof source === 'string' && source !== '-') (input as Readable).destroy();
  }
  const warning = reader.end();
  if (warning) yield { kind: 'warning', warning };
}

/**
 * Writes an FLV file or stream, respecting backpressure: each write resolves when the stream can
 * take more.
 * @example
 * ```ts
 * const out = createFlvWriter('out.flv', { hasAudio: true, hasVideo: true });
 * await out.write({ type: 9, timestamp: 0, body });
 * await out.close();
 * ```
 */
export function createFlvWriter(
  target: string | Writable,
  header: Pick<FlvHeader, 'hasAudio' | 'hasVideo'>,
): FlvStreamWriter {
  return new FlvStreamWriter(typeof target === 'string' ? createWriteStream(target) : target, header);
}

/** An FLV writer on a Node stream; see {@link createFlvWriter}. */
export class FlvStreamWriter {
  #tags = 0;
  /** The stream's first error (a failed open, a full disk): later writes and close reject with it. */
  #error: Error | undefined;

  constructor(
    private readonly stream: Writable,
    header: Pick<FlvHeader, 'hasAudio' | 'hasVideo'>,
  ) {
    // Always listened to: an 'error' nobody listens to would crash the process.
    stream.on('error', (error: Error) => {
      this.#error ??= error;
    });
    stream.write(encodeFlvHeader(header));
  }

  /** Tags written so far. */
  get tags(): number {
    return this.#tags;
  }

  /**
   * Appends a tag; resolves at once, or after 'drain' when the stream is full. Rejects with the
   * stream's error once it has failed.
   */
  async write(tag: FlvTag): Promise<void> {
    if (this.#error) throw this.#error;
    let ok = true;
    for (const piece of encodeFlvTag(tag)) ok = this.stream.write(piece) && ok;
    this.#tags++;
    if (!ok)
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        this.stream.once('error', onError);
        this.stream.once('drain', () => {
          this.stream.off('error', onError);
          resolve();
        });
      });
  }

  /** Ends the stream; resolves when everything is flushed (for a file: written and closed). */
  close(): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end((error?: Error | null) => (error ? reject(this.#error ?? error) : resolve()));
    });
  }
}

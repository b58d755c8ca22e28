import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import {
  type FlvTag,
  isKeyframeBody,
  keyframeIndex,
  type ReadFlvTag,
  readFlv,
  readMetadata,
} from '@rtmp/flv';
import { mediaInfo } from '@rtmp/messages';

// Playback of recorded FLV files (VOD): a play of a name that is a file in the configured
// directory streams it at real time, with pause, seek and play's start and duration.

/** A name's segments: the reference server's stream-name characters, never `.` or `..`. */
const SEGMENT = /^[A-Za-z0-9_.\-~]{1,128}$/;

/**
 * The FLV file `name` plays from `dir` (`name`, or `name.flv`; an `flv:` prefix as FMS clients send
 * it is dropped), or `undefined` when the name has other characters, `.`/`..` segments, would leave
 * the directory, or names no file.
 */
export function vodPath(dir: string, name: string): string | undefined {
  const bare = name.startsWith('flv:') ? name.slice(4) : name;
  const segments = bare.split('/');
  if (!segments.every((segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..'))
    return undefined;
  const root = resolve(dir);
  const file = resolve(root, bare.endsWith('.flv') ? bare : `${bare}.flv`);
  if (relative(root, file).startsWith('..')) return undefined;
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** The `duration` of a file's onMetaData in ms (read from its first 64 KiB), or 0. */
export function vodDuration(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const head = new Uint8Array(65_536);
    const size = readSync(fd, head, 0, head.length, 0);
    // Header (9) and PreviousTagSize0 (4), then a script tag: 11-byte header and its body.
    if (size < 24 || head[13] !== 18) return 0;
    const length = (head[14]! << 16) | (head[15]! << 8) | head[16]!;
    const duration = readMetadata(head.subarray(24, Math.min(size, 24 + length)))?.['duration'];
    return typeof duration === 'number' && Number.isFinite(duration) && duration > 0
      ? Math.round(duration * 1000)
      : 0;
  } finally {
    closeSync(fd);
  }
}

/** Whether a tag is codec configuration (a sequence header of any track, legacy or Enhanced RTMP). */
function isSetup(tag: FlvTag): boolean {
  try {
    return (
      mediaInfo({ typeId: tag.type, streamId: 0, timestamp: tag.timestamp, payload: tag.body }).slot !==
      undefined
    );
  } catch {
    return false;
  }
}

/** What a played file sends, and when it is done. */
export interface VodSink {
  /** One tag, in file order, at its time. */
  send(tag: FlvTag): void;
  /** The end of the file (or of play's duration): Play.Complete follows. */
  complete(): void;
  /** The file could not be read. */
  fail(error: unknown): void;
}

/**
 * One player's playback of a file: real time from a start position (the keyframe at or before it),
 * `pause`/`resume`, `seek` (again to the keyframe at or before the position, the metadata and codec
 * configuration first), audio or video off and on, `stop`. Tags go about `aheadMs` before their
 * time so players can buffer. Controls that come while the file is still being read apply once it
 * is.
 */
export class VodPlayback {
  #tags: ReadFlvTag[] = [];
  /** Where the keyframes are (tag positions and timestamps), worked out once. */
  #keyframes: { readonly at: number; readonly timestamp: number }[] = [];
  /** Positions of the metadata and sequence headers: what a seek sends again before its keyframe. */
  #setup: number[] = [];
  #loaded = false;
  #at = 0;
  #clockStart = 0;
  #streamStart = 0;
  #pausedAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #end = Number.POSITIVE_INFINITY;
  #audioOff = false;
  /** Settles once the file is read and playing (or failed: the sink was told). */
  readonly loaded: Promise<void>;
  /** Video off (`'off'`), or back on and waiting for a keyframe (`'keyframe'`). */
  #video: 'on' | 'off' | 'keyframe' = 'on';

  /**
   * Reads `file` (its tags stay in memory for the playback: VOD here is for test media, not a
   * library of films) and plays from `startMs` for `durationMs` (negative: to the end).
   */
  constructor(
    file: string,
    private readonly sink: VodSink,
    startMs: number,
    durationMs: number,
    private readonly aheadMs = 1000,
  ) {
    this.loaded = this.#load(file).then(
      () => {
        this.#loaded = true;
        if (!this.#stopped) this.seek(Math.max(0, startMs), durationMs);
      },
      (error: unknown) => {
        if (!this.#stopped) sink.fail(error);
      },
    );
  }

  async #load(file: string): Promise<void> {
    for await (const item of readFlv(file)) if (item.kind === 'tag') this.#tags.push(item.tag);
    const position = new Map(this.#tags.map((tag, at) => [tag.offset, at]));
    this.#keyframes = keyframeIndex(this.#tags).map(({ offset, timestamp }) => ({
      at: position.get(offset)!,
      timestamp,
    }));
    this.#tags.forEach((tag, at) => {
      if (tag.type === 18 || isSetup(tag)) this.#setup.push(at);
    });
  }

  /** Goes to the keyframe at or before `ms` and plays from there (for `durationMs` if ≥ 0). */
  seek(ms: number, durationMs = -1): void {
    if (!this.#loaded) return; // before the file is read: it starts where play asked
    // From the keyframe at or before `ms`; from the very start when there is none before it.
    const from = this.#keyframes.filter((key) => key.timestamp <= ms).at(-1)?.at ?? 0;
    for (const at of this.#setup) if (at < from) this.sink.send(this.#tags[at]!);
    this.#at = from;
    this.#streamStart = this.#tags[this.#at]?.timestamp ?? 0;
    if (durationMs >= 0) this.#end = this.#streamStart + durationMs;
    this.#clockStart = Date.now();
    if (this.#pausedAt !== undefined) this.#pausedAt = this.#clockStart;
    this.#pump();
  }

  pause(): void {
    if (this.#pausedAt !== undefined) return;
    this.#pausedAt = Date.now();
    clearTimeout(this.#timer);
  }

  resume(): void {
    if (this.#pausedAt === undefined) return;
    this.#clockStart += Date.now() - this.#pausedAt; // the stream clock did not move while paused
    this.#pausedAt = undefined;
    if (this.#loaded) this.#pump();
  }

  /** Audio or video off (`false`) or on again; video comes back at its next keyframe. */
  receive(kind: 'audio' | 'video', enabled: boolean): void {
    if (kind === 'audio') this.#audioOff = !enabled;
    else if (!enabled) this.#video = 'off';
    else if (this.#video === 'off') this.#video = 'keyframe';
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Sends what is due (or nearly), then sleeps until the next tag is. */
  #pump(): void {
    clearTimeout(this.#timer);
    if (this.#stopped || this.#pausedAt !== undefined) return;
    const now = Date.now() - this.#clockStart + this.#streamStart;
    while (this.#at < this.#tags.length) {
      const tag = this.#tags[this.#at]!;
      if (tag.timestamp > this.#end) break;
      if (tag.timestamp - now > this.aheadMs) {
        this.#timer = setTimeout(() => this.#pump(), tag.timestamp - now - this.aheadMs);
        return;
      }
      if (this.#wanted(tag)) this.sink.send(tag);
      this.#at++;
    }
    this.#stopped = true;
    this.sink.complete();
  }

  /** Whether the player takes this tag, given what it turned off. */
  #wanted(tag: FlvTag): boolean {
    if (tag.type === 8) return !this.#audioOff;
    if (tag.type !== 9 || this.#video === 'on') return true;
    if (this.#video === 'off') return false;
    if (isKeyframeBody(tag.body)) this.#video = 'on';
    return this.#video === 'on' || isSetup(tag);
  }
}

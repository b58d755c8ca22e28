import type { Socket } from 'node:net';

/** A group's sockets corked until the batch (or the merge window) ends, and the messages it held. */
export interface HeldWrites {
  readonly sockets: Set<Socket>;
  messages: number;
  /** Everything held since the last release is audio of a stream that has video. */
  audioOnly: boolean;
}

/** When held writes leave. */
export interface MergeWindow {
  /** How long writes may be held past the batch, in ms; 0: never. */
  readonly fanOutMergeMs: number;
  /** A group is held past the batch only when it writes to at least this many sockets. */
  readonly fanOutMergeMinPlayers: number;
  /** A group's writes leave once it has held this many messages. */
  readonly fanOutMergeMaxMessages: number;
  /** Audio of a stream with video waits this long at most for the next video message; 0: never. */
  readonly fanOutAudioHoldMs: number;
}

/**
 * Write batching for socket-backed subscribers: the sockets a batch (one read from a publisher)
 * writes to stay corked until it ends, so its messages leave as one writev per socket; a group
 * (a stream's subscribers) that writes to many sockets stays corked for the merge window (SRS's
 * merged write), because syscalls are most of fan-out's cost.
 */
export class WriteBatcher {
  readonly #held = new Set<HeldWrites>();
  /** Each group's held writes, made once and reused. */
  readonly #groups = new WeakMap<object, HeldWrites>();
  #batching = false;
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (Date.now() ms). */
  #deadline = Number.POSITIVE_INFINITY;

  constructor(private readonly window: MergeWindow) {}

  /** Runs `work` as one batch (nested calls join the batch under way). */
  batch(work: () => void): void {
    if (this.#batching) {
      work();
      return;
    }
    this.#batching = true;
    try {
      work();
    } finally {
      this.#batching = false;
      const { fanOutMergeMs, fanOutMergeMinPlayers, fanOutMergeMaxMessages, fanOutAudioHoldMs } = this.window;
      let wait = Number.POSITIVE_INFINITY;
      for (const held of this.#held) {
        // Audio rides with the next video message (players buffer by timestamp): one write, not two.
        if (held.audioOnly && fanOutAudioHoldMs > 0) wait = Math.min(wait, fanOutAudioHoldMs);
        else if (
          fanOutMergeMs === 0 ||
          held.sockets.size < fanOutMergeMinPlayers ||
          held.messages >= fanOutMergeMaxMessages
        )
          this.#release(held);
        else wait = Math.min(wait, fanOutMergeMs);
      }
      if (this.#held.size === 0)
        this.releaseAll(); // nothing held: no window either
      else this.#arm(wait);
    }
  }

  /**
   * A group (a stream) writes one more message in this batch: cork its sockets into what this
   * returns. `audio`: the message is audio of a stream that has video (it may wait for the video).
   */
  hold(group: object, audio = false): HeldWrites {
    let held = this.#groups.get(group);
    if (held === undefined) {
      held = { sockets: new Set(), messages: 0, audioOnly: true };
      this.#groups.set(group, held);
    }
    if (held.messages === 0) held.audioOnly = audio;
    else held.audioOnly &&= audio;
    this.#held.add(held);
    held.messages++;
    return held;
  }

  /** Corks `socket` for the group's held writes (once per batch). */
  static cork(held: HeldWrites, socket: Socket): void {
    if (held.sockets.has(socket)) return;
    socket.cork();
    held.sockets.add(socket);
  }

  /** Held writes leave in `wait` ms at the latest: a video message held after held audio must not wait out the audio's longer hold. */
  #arm(wait: number): void {
    const deadline = Date.now() + wait;
    if (this.#timer !== undefined && this.#deadline <= deadline) return;
    clearTimeout(this.#timer);
    this.#deadline = deadline;
    this.#timer = setTimeout(() => this.releaseAll(), wait);
  }

  /** Lets every held write leave now. */
  releaseAll(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deadline = Number.POSITIVE_INFINITY;
    for (const held of this.#held) this.#release(held);
  }

  #release(held: HeldWrites): void {
    this.#held.delete(held);
    for (const socket of held.sockets) socket.uncork();
    held.sockets.clear();
    held.messages = 0;
  }
}

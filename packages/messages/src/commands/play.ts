import type { CommandMessage } from '../messages/command';
import { badArgument, command, describe, isRecord, nameArgument, numberOr } from './command-builder';

/** Options of {@link buildPlay}. */
export interface PlayOptions {
  /** -2000: live, else recorded (FFmpeg's default); -1000: live only; ≥ 0: recorded from that ms. @default -2000 */
  readonly start?: number;
  /** -1 to the end; 0 a single frame; > 0 that long. Not sent when undefined. */
  readonly duration?: number;
  /**
   * On a stream that already plays: `true` replaces what plays, `false` plays this after it (a
   * playlist). Not sent when undefined, which servers read as `true` (Flash's default).
   */
  readonly reset?: boolean;
}

/** `"play", transactionId, null, name, start[, duration[, reset]]` on the stream from createStream. */
export function buildPlay(
  transactionId: number,
  streamId: number,
  name: string,
  options: PlayOptions = {},
): CommandMessage {
  const args: unknown[] = [name, options.start ?? -2000];
  if (options.duration !== undefined || options.reset !== undefined) args.push(options.duration ?? -1);
  if (options.reset !== undefined) args.push(options.reset);
  return command('play', transactionId, null, args, streamId);
}

/** A parsed `play` (or `play2`). */
export interface PlayRequest {
  readonly name: string;
  /** As sent; a negative value means live (clients send -2000/-1000, or -2/-1 per the spec). */
  readonly start: number;
  readonly duration: number;
  /** `false` only when sent as `false`: play after what plays now rather than instead of it. */
  readonly reset: boolean;
}

/**
 * Reads a `play`.
 * @throws {@link MessageError} `MESSAGE_BAD_ARGUMENT` for a missing, empty, non-string or too long name.
 */
export function parsePlay(message: CommandMessage, maxNameLength?: number): PlayRequest {
  const [name, start, duration, reset] = message.args;
  return {
    name: nameArgument(message, name, 'stream name', maxNameLength),
    start: numberOr(start, -2000),
    duration: numberOr(duration, -1),
    reset: reset !== false,
  };
}

/**
 * `"play2", 0, null, {streamName, start, ...}` (NetStreamPlayOptions): on a stream that plays, a
 * switch to another stream (`transition: "switch"`).
 */
export const buildPlay2 = (
  streamId: number,
  options: Readonly<Record<string, unknown>> & { streamName: string },
) => command('play2', 0, null, [options], streamId);

/**
 * Reads a `play2`: the stream name and start from its NetStreamPlayOptions object.
 * @throws {@link MessageError} `MESSAGE_BAD_ARGUMENT` without an options object or a usable streamName.
 */
export function parsePlay2(message: CommandMessage, maxNameLength?: number): PlayRequest {
  const options = message.args[0];
  if (!isRecord(options))
    throw badArgument(message, `expected NetStreamPlayOptions, got ${describe(options)}`);
  return {
    name: nameArgument(message, options['streamName'], 'streamName', maxNameLength),
    start: numberOr(options['start'], -2000),
    duration: numberOr(options['len'], -1),
    reset: true,
  };
}

/** `"pause", 0, null, pause, milliseconds`. */
export const buildPause = (streamId: number, pause: boolean, milliseconds: number) =>
  command('pause', 0, null, [pause, milliseconds], streamId);

/** Reads a `pause` (nginx-rtmp's `pauseraw` has the same shape). */
export function parsePause(message: CommandMessage): { pause: boolean; milliseconds: number } {
  return { pause: message.args[0] !== false, milliseconds: numberOr(message.args[1], 0) };
}

/** `"seek", 0, null, milliseconds`. */
export const buildSeek = (streamId: number, milliseconds: number) =>
  command('seek', 0, null, [milliseconds], streamId);

/**
 * Reads a `seek`.
 * @throws {@link MessageError} `MESSAGE_BAD_ARGUMENT` unless the position is a finite number ≥ 0.
 */
export function parseSeek(message: CommandMessage): number {
  const milliseconds = message.args[0];
  if (typeof milliseconds !== 'number' || !Number.isFinite(milliseconds) || milliseconds < 0) {
    throw badArgument(message, `seek position must be a number ≥ 0, got ${describe(milliseconds)}`);
  }
  return milliseconds;
}

/** `"receiveAudio"` or `"receiveVideo", 0, null, enabled`. */
export const buildReceive = (what: 'audio' | 'video', streamId: number, enabled: boolean) =>
  command(what === 'audio' ? 'receiveAudio' : 'receiveVideo', 0, null, [enabled], streamId);

/** Reads `receiveAudio`/`receiveVideo`: anything but `false` enables. */
export const parseReceive = (message: CommandMessage): boolean => message.args[0] !== false;

import { MessageError } from '../errors';
import type { CommandMessage } from '../messages/command';

/** A command message on `streamId` (AMF0 form, timestamp 0). */
export function command(
  name: string,
  transactionId: number,
  commandObject: unknown,
  args: readonly unknown[] = [],
  streamId = 0,
): CommandMessage {
  return { type: 'command', streamId, timestamp: 0, name, transactionId, commandObject, args, form: 'amf0' };
}

/** Longest stream or app name a parser accepts by default, in characters. */
export const DEFAULT_MAX_NAME_LENGTH = 1024;

export function badArgument(command: CommandMessage, why: string): MessageError {
  return new MessageError('MESSAGE_BAD_ARGUMENT', `${command.name}: ${why}`);
}

/** `value` as a stream or app name: a non-empty string without NUL, at most `maxLength` long. */
export function nameArgument(
  command: CommandMessage,
  value: unknown,
  what: string,
  maxLength = DEFAULT_MAX_NAME_LENGTH,
): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw badArgument(command, `${what} must be a non-empty string, got ${describe(value)}`);
  }
  if (value.includes('\0')) throw badArgument(command, `${what} contains NUL`);
  if (value.length > maxLength)
    throw badArgument(command, `${what} is ${value.length} characters, over ${maxLength}`);
  return value;
}

/** `value` as a message stream id: an integer in 1..2^31-1 (0 is the NetConnection). */
export function streamIdArgument(command: CommandMessage, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 0x7fffffff) {
    throw badArgument(command, `stream id must be an integer in 1..2147483647, got ${describe(value)}`);
  }
  return value;
}

/** `value` if it is a finite number, else `fallback`. */
export const numberOr = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

/** `value` if it is a plain object (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A value for an error message: short, and safe for any decoded value (cycles, odd `toString`s). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

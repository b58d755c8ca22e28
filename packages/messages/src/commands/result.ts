import type { CommandMessage } from '../messages/command';
import { command } from './command-builder';
import type { StatusInfo } from './status';

/** `"_result", transactionId, commandObject, ...args`: the success answer to a command. */
export function buildResult(
  transactionId: number,
  commandObject: unknown,
  ...args: unknown[]
): CommandMessage {
  return command('_result', transactionId, commandObject, args);
}

/** `"_error", transactionId, null, info`: the failure answer to a command. */
export function buildError(
  transactionId: number,
  info: StatusInfo,
  commandObject: unknown = null,
): CommandMessage {
  return command('_error', transactionId, commandObject, [info]);
}

/** Whether a command answers an earlier call (`_result` or `_error`). */
export function isResponse(message: CommandMessage): boolean {
  return message.name === '_result' || message.name === '_error';
}

import type { Amf0DecoderOptions } from '@rtmp/amf0';
import { describe } from '../commands/command-builder';
import { MessageError } from '../errors';
import type { AmfForm } from '../message-type';
import { decodeAmfBody, encodeAmfBody } from './amf-body';
import type { MessageBase } from './message-base';

/**
 * A command message (type 20, or 17 in the "AMF3" form): `name, transactionId, commandObject,
 * ...args` (RTMP 1.0 §7.1.1). Commands this package has no parser for are still decoded like this.
 */
export interface CommandMessage extends MessageBase {
  readonly type: 'command';
  readonly name: string;
  /** Echo it in the response; 0 for notifications. Any finite number is accepted. */
  readonly transactionId: number;
  /** The command object: an object or null in practice; whatever was sent. */
  readonly commandObject: unknown;
  /** The optional arguments after the command object. */
  readonly args: readonly unknown[];
  readonly form: AmfForm;
}

/** A usable command or data name: a non-empty string without NUL. */
export function isUsableName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && !name.includes('\0');
}

/**
 * Reads a command body.
 * @throws {@link MessageError} `MESSAGE_BAD_AMF`, `MESSAGE_UNSUPPORTED_FORMAT`, or
 *   `MESSAGE_BAD_COMMAND` for a name that is not a usable string or a transaction id that is not
 *   a finite number.
 */
export function decodeCommand(
  payload: Uint8Array,
  form: AmfForm,
  typeId: number,
  base: MessageBase,
  options: Amf0DecoderOptions,
): CommandMessage {
  const [name, transactionId, commandObject = null, ...args] = decodeAmfBody(payload, form, typeId, options);
  if (!isUsableName(name)) {
    throw new MessageError('MESSAGE_BAD_COMMAND', `command name ${describe(name)} is not a usable string`, {
      typeId,
    });
  }
  // A bare command name (some servers send "onBWDone" alone, FMS "close") counts as transaction 0.
  const txn = transactionId === undefined ? 0 : transactionId;
  if (typeof txn !== 'number' || !Number.isFinite(txn)) {
    throw new MessageError('MESSAGE_BAD_COMMAND', `command ${name} has transaction id ${describe(txn)}`, {
      typeId,
    });
  }
  return { type: 'command', ...base, name, transactionId: txn, commandObject, args, form };
}

/** The payload of a command message. */
export function encodeCommand(message: CommandMessage): Uint8Array {
  return encodeAmfBody(
    [message.name, message.transactionId, message.commandObject, ...message.args],
    message.form,
  );
}

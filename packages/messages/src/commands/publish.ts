import type { CommandMessage } from '../messages/command';
import { command, nameArgument } from './command-builder';

/** `"releaseStream", transactionId, null, name` (OBS and FFmpeg send it before publishing). */
export const buildReleaseStream = (transactionId: number, name: string) =>
  command('releaseStream', transactionId, null, [name]);
/** `"FCPublish", transactionId, null, name`. */
export const buildFCPublish = (transactionId: number, name: string) =>
  command('FCPublish', transactionId, null, [name]);
/** `"FCUnpublish", transactionId, null, name`. */
export const buildFCUnpublish = (transactionId: number, name: string) =>
  command('FCUnpublish', transactionId, null, [name]);
/** `"FCSubscribe", transactionId, null, name` (librtmp and FFmpeg players of live streams). */
export const buildFCSubscribe = (transactionId: number, name: string) =>
  command('FCSubscribe', transactionId, null, [name]);
/** `"onFCPublish", 0, null, {code, description}`: a server's answer to FCPublish. */
export const buildOnFCPublish = (code: string, description: string) =>
  command('onFCPublish', 0, null, [{ code, description }]);
/** `"onFCUnpublish", 0, null, {code, description}`: a server's answer to FCUnpublish. */
export const buildOnFCUnpublish = (code: string, description: string) =>
  command('onFCUnpublish', 0, null, [{ code, description }]);

/** Publishing types (RTMP 1.0 §7.2.2.6). OBS and FFmpeg always send `live`. */
export type PublishType = 'live' | 'record' | 'append';

/** `"publish", transactionId, null, name, type` on the stream from createStream. */
export const buildPublish = (
  transactionId: number,
  streamId: number,
  name: string,
  type: PublishType = 'live',
) => command('publish', transactionId, null, [name, type], streamId);

/** A parsed `publish`. */
export interface PublishRequest {
  /** The stream name as sent, query string included (stream keys often ride there). */
  readonly name: string;
  /** Lower-cased; `live` when absent or not one of the three. */
  readonly type: PublishType;
}

/**
 * Reads a `publish`: a name (required, at most `maxNameLength`) and a type, case-insensitive,
 * `live` by default.
 * @throws {@link MessageError} `MESSAGE_BAD_ARGUMENT` for a missing, empty, non-string or too long name.
 */
export function parsePublish(message: CommandMessage, maxNameLength?: number): PublishRequest {
  const name = nameArgument(message, message.args[0], 'stream name', maxNameLength);
  const raw = typeof message.args[1] === 'string' ? message.args[1].toLowerCase() : 'live';
  const type: PublishType = raw === 'record' || raw === 'append' ? raw : 'live';
  return { name, type };
}

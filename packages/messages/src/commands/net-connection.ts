import type { CommandMessage } from '../messages/command';
import { badArgument, command, nameArgument, streamIdArgument } from './command-builder';

/** `"createStream", transactionId, null`. */
export const buildCreateStream = (transactionId: number) => command('createStream', transactionId, null);

/** The `_result` of createStream: `"_result", transactionId, null, streamId`. */
export const buildCreateStreamResult = (transactionId: number, streamId: number) =>
  command('_result', transactionId, null, [streamId]);

/**
 * The stream id in a createStream `_result`.
 * @throws {@link MessageError} `MESSAGE_BAD_ARGUMENT` unless it is an integer in 1..2^31-1.
 */
export function parseCreateStreamResult(message: CommandMessage): number {
  return streamIdArgument(message, message.args[0]);
}

/** `"deleteStream", transactionId, null, streamId` (sent on stream 0). */
export const buildDeleteStream = (transactionId: number, streamId: number) =>
  command('deleteStream', transactionId, null, [streamId]);

/**
 * The stream id a deleteStream names.
 * @throws {@link MessageError} `MESSAGE_BAD_ARGUMENT` unless it is an integer in 1..2^31-1.
 */
export const parseDeleteStream = (message: CommandMessage): number =>
  streamIdArgument(message, message.args[0]);

/** `"closeStream", 0, null` on the stream to close. */
export const buildCloseStream = (streamId: number) => command('closeStream', 0, null, [], streamId);

/** `"getStreamLength", transactionId, null, name` (FFmpeg's player sends it before play). */
export const buildGetStreamLength = (transactionId: number, name: string, streamId = 0) =>
  command('getStreamLength', transactionId, null, [name], streamId);

/** `"_checkbw", transactionId, null`: what FFmpeg and librtmp answer onBWDone with. */
export const buildCheckBandwidth = (transactionId: number) => command('_checkbw', transactionId, null);

/** `"onBWDone", 0, null, 8192`: a server's bandwidth hint after connect (FFmpeg's listener sends it). */
export const buildOnBandwidthDone = (bandwidth = 8192) => command('onBWDone', 0, null, [bandwidth]);

/**
 * The stream name of releaseStream, FCPublish, FCUnpublish, FCSubscribe or getStreamLength.
 * @throws {@link MessageError} `MESSAGE_BAD_ARGUMENT` unless it is a usable name.
 */
export function parseStreamNameArgument(message: CommandMessage, maxLength?: number): string {
  if (message.args.length === 0) throw badArgument(message, 'no stream name');
  return nameArgument(message, message.args[0], 'stream name', maxLength);
}

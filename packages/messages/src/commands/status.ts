import type { CommandMessage } from '../messages/command';
import { badArgument, command, isRecord } from './command-builder';

/** `onStatus` info codes (Adobe's NetStatusEvent table, plus those real servers send). */
export const StatusCode = {
  ConnectSuccess: 'NetConnection.Connect.Success',
  ConnectRejected: 'NetConnection.Connect.Rejected',
  ConnectFailed: 'NetConnection.Connect.Failed',
  ConnectClosed: 'NetConnection.Connect.Closed',
  ConnectInvalidApp: 'NetConnection.Connect.InvalidApp',
  ConnectAppShutdown: 'NetConnection.Connect.AppShutdown',
  ConnectReconnectRequest: 'NetConnection.Connect.ReconnectRequest',
  CallFailed: 'NetConnection.Call.Failed',
  PublishStart: 'NetStream.Publish.Start',
  PublishBadName: 'NetStream.Publish.BadName',
  PublishIdle: 'NetStream.Publish.Idle',
  PublishRejected: 'NetStream.Publish.Rejected',
  PublishDenied: 'NetStream.Publish.Denied',
  PublishUnauthorized: 'NetStream.Publish.Unauthorized',
  UnpublishSuccess: 'NetStream.Unpublish.Success',
  PlayStart: 'NetStream.Play.Start',
  PlayStop: 'NetStream.Play.Stop',
  PlayReset: 'NetStream.Play.Reset',
  PlayStreamNotFound: 'NetStream.Play.StreamNotFound',
  PlayFailed: 'NetStream.Play.Failed',
  PlayPublishNotify: 'NetStream.Play.PublishNotify',
  PlayUnpublishNotify: 'NetStream.Play.UnpublishNotify',
  PlayComplete: 'NetStream.Play.Complete',
  /** onPlayStatus between two items of a playlist. */
  PlaySwitch: 'NetStream.Play.Switch',
  PlayInsufficientBandwidth: 'NetStream.Play.InsufficientBW',
  SeekNotify: 'NetStream.Seek.Notify',
  SeekFailed: 'NetStream.Seek.Failed',
  PauseNotify: 'NetStream.Pause.Notify',
  UnpauseNotify: 'NetStream.Unpause.Notify',
  RecordStart: 'NetStream.Record.Start',
  RecordStop: 'NetStream.Record.Stop',
  RecordFailed: 'NetStream.Record.Failed',
  RecordNoAccess: 'NetStream.Record.NoAccess',
  StreamFailed: 'NetStream.Failed',
  DataStart: 'NetStream.Data.Start',
} as const;
/** One of the values of {@link StatusCode} (other strings are accepted on the wire too). */
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

/** `onStatus` info object: level, code and description, plus whatever else a server adds. */
export interface StatusInfo {
  readonly level: 'status' | 'warning' | 'error' | (string & {});
  readonly code: StatusCode | (string & {});
  readonly description?: string;
  readonly [key: string]: unknown;
}

/**
 * `"onStatus", 0, null, info` on `streamId` (the NetStream it concerns; 0 for NetConnection).
 * @example
 * ```ts
 * buildStatus(1, { level: 'status', code: StatusCode.PublishStart, description: 'Start publishing' });
 * ```
 */
export function buildStatus(streamId: number, info: StatusInfo): CommandMessage {
  return command('onStatus', 0, null, [info], streamId);
}

/**
 * The info object of an `onStatus` (or `_error`) command: its first object argument.
 * @throws {@link MessageError} `MESSAGE_BAD_ARGUMENT` when there is none or it has no string `code`.
 */
export function parseStatus(message: CommandMessage): StatusInfo {
  const info = message.args.find(isRecord);
  if (info === undefined || typeof info['code'] !== 'string') {
    throw badArgument(message, 'no info object with a code');
  }
  return { ...info, level: typeof info['level'] === 'string' ? info['level'] : 'status', code: info['code'] };
}

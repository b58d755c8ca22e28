import {
  buildError,
  buildRtmpSampleAccess,
  buildStatus,
  type RtmpMessage,
  StatusCode,
  type UserControlEvent,
} from '@rtmp/messages';

// What the server session tells a client, as messages with the chunk stream each goes on.

/** A message the session sends, and its chunk stream. */
export interface Outgoing {
  readonly message: RtmpMessage;
  readonly csid: number;
}

/** Chunk streams the session's own encoder sends on: control, commands, status (all below 32). */
export const CSID = { control: 2, command: 3, status: 5 } as const;

/**
 * Chunk streams of media (audio 8, video 9, data 18), sent with standalone headers (fmt 0 first)
 * that do not depend on earlier messages, so one encoding can go to every player.
 */
export const MEDIA_CSID: Readonly<Record<number, number>> = { 8: 6, 9: 7, 18: 8 };

/** A command's answer or call on the command chunk stream. */
export const command = (message: RtmpMessage): Outgoing => ({ message, csid: CSID.command });

/** A user control event (StreamBegin, StreamEOF, StreamIsRecorded, PingRequest). */
export const userControl = (event: UserControlEvent): Outgoing => ({
  message: { type: 'user-control', streamId: 0, timestamp: 0, event },
  csid: CSID.control,
});

/** `onStatus` on a stream. */
export const status = (
  streamId: number,
  code: string,
  description: string,
  level: 'status' | 'error' = 'status',
): Outgoing => ({ message: buildStatus(streamId, { level, code, description }), csid: CSID.status });

/** `onPlayStatus` (a data message) on a stream. */
export const onPlayStatus = (streamId: number, info: Record<string, unknown>): Outgoing => ({
  message: { type: 'data', streamId, timestamp: 0, name: 'onPlayStatus', values: [info], form: 'amf0' },
  csid: MEDIA_CSID[18]!,
});

/** `_error` `NetConnection.Call.Failed` for a call the session will not answer otherwise. */
export const callFailed = (transactionId: number, description: string): Outgoing =>
  command(buildError(transactionId, { level: 'error', code: StatusCode.CallFailed, description }));

/** An accepted play: StreamBegin, Play.Reset, Play.Start, `|RtmpSampleAccess`. */
export const playStarted = (streamId: number, name: string): Outgoing[] => [
  userControl({ kind: 'stream-begin', streamId }),
  status(streamId, StatusCode.PlayReset, `Playing and resetting ${name}`),
  status(streamId, StatusCode.PlayStart, `Started playing ${name}`),
  { message: buildRtmpSampleAccess(streamId), csid: CSID.status },
];

/** The next item of a playlist: `onPlayStatus NetStream.Play.Switch`, then Play.Start. */
export const playSwitched = (streamId: number, name: string): Outgoing[] => [
  onPlayStatus(streamId, { level: 'status', code: StatusCode.PlaySwitch }),
  status(streamId, StatusCode.PlayStart, `Started playing ${name}`),
];

/**
 * The end of a recorded stream: `onPlayStatus NetStream.Play.Complete` (its duration in seconds),
 * Play.Stop, StreamEOF.
 */
export const playCompleted = (streamId: number, durationMs: number): Outgoing[] => [
  onPlayStatus(streamId, {
    level: 'status',
    code: StatusCode.PlayComplete,
    duration: durationMs / 1000,
    bytes: 0,
  }),
  status(streamId, StatusCode.PlayStop, 'the recording ended'),
  userControl({ kind: 'stream-eof', streamId }),
];

/** A player's stream lost its publisher (StreamEOF, Play.UnpublishNotify), or got it back. */
export const publisherNotice = (streamId: number, event: 'unpublished' | 'published'): Outgoing[] =>
  event === 'unpublished'
    ? [
        userControl({ kind: 'stream-eof', streamId }),
        status(streamId, StatusCode.PlayUnpublishNotify, 'the publisher left'),
      ]
    : [
        userControl({ kind: 'stream-begin', streamId }),
        status(streamId, StatusCode.PlayPublishNotify, 'the publisher is back'),
      ];

/** Enhanced RTMP's ReconnectRequest: `onStatus NetConnection.Connect.ReconnectRequest` on stream 0. */
export const reconnectRequest = (options: {
  readonly tcUrl?: string;
  readonly description?: string;
}): Outgoing =>
  command(
    buildStatus(0, {
      level: 'status',
      code: StatusCode.ConnectReconnectRequest,
      description: options.description ?? 'the server asks you to reconnect',
      ...(options.tcUrl !== undefined ? { tcUrl: options.tcUrl } : {}),
    }),
  );

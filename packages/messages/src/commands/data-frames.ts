import type { DataMessage } from '../messages/data';
import { isRecord } from './command-builder';

const data = (streamId: number, name: string, values: unknown[]): DataMessage => ({
  type: 'data',
  streamId,
  timestamp: 0,
  name,
  values,
  form: 'amf0',
});

/** Metadata as an ECMA array (a `Map`), the form FFmpeg and OBS send and players expect. */
const ecmaArray = (metadata: Readonly<Record<string, unknown>>) => new Map(Object.entries(metadata));

/** `"@setDataFrame", "onMetaData", metadata`: how a publisher sends metadata. */
export const buildSetDataFrame = (streamId: number, metadata: Readonly<Record<string, unknown>>) =>
  data(streamId, '@setDataFrame', ['onMetaData', ecmaArray(metadata)]);

/** `"onMetaData", metadata`: how a server relays it to players. */
export const buildOnMetaData = (streamId: number, metadata: Readonly<Record<string, unknown>>) =>
  data(streamId, 'onMetaData', [ecmaArray(metadata)]);

/** `"|RtmpSampleAccess", audio, video`: lets Flash players read the samples (nginx-rtmp sends true, true). */
export const buildRtmpSampleAccess = (streamId: number, audio = true, video = true) =>
  data(streamId, '|RtmpSampleAccess', [audio, video]);

/**
 * The metadata object of `@setDataFrame onMetaData {...}` or `onMetaData {...}`, or `undefined` for
 * any other data message (or one whose metadata is not an object).
 */
export function parseMetadata(message: DataMessage): Record<string, unknown> | undefined {
  const values = message.name === '@setDataFrame' ? message.values.slice(1) : message.values;
  const onMetaData =
    message.name === 'onMetaData' || (message.name === '@setDataFrame' && message.values[0] === 'onMetaData');
  const metadata = values[0];
  if (!onMetaData) return undefined;
  if (metadata instanceof Map) return Object.fromEntries(metadata);
  return isRecord(metadata) ? metadata : undefined;
}

/**
 * The data message a server relays for a publisher's one: `@setDataFrame` is stripped
 * (`"@setDataFrame", "onMetaData", m` → `"onMetaData", m`); others pass unchanged.
 */
export function stripSetDataFrame(message: DataMessage): DataMessage {
  if (message.name !== '@setDataFrame' || typeof message.values[0] !== 'string') return message;
  return { ...message, name: message.values[0], values: message.values.slice(1) };
}

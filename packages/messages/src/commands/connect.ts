import type { CommandMessage } from '../messages/command';
import { badArgument, command, describe, isRecord, nameArgument } from './command-builder';
import { buildError, buildResult } from './result';
import { StatusCode } from './status';

/** Fields of the `connect` command object (../shared/rtmp-notes.md §7.2, Enhanced RTMP §9.6). */
export interface ConnectParameters {
  /** Application name: the URL path after the host (may include `/instance` and `?query`). */
  readonly app: string;
  /** `rtmp://host[:port]/app[/instance]`. */
  readonly tcUrl?: string;
  /** Client identity: `FMLE/3.0 (compatible; ...)` for publishers, `LNX 9,0,124,2` for FFmpeg's player. */
  readonly flashVer?: string;
  readonly swfUrl?: string;
  readonly pageUrl?: string;
  /** `"nonprivate"`, sent by FFmpeg and librtmp publishers. */
  readonly type?: string;
  readonly fpad?: boolean;
  readonly capabilities?: number;
  readonly audioCodecs?: number;
  readonly videoCodecs?: number;
  readonly videoFunction?: number;
  /** 0 = AMF0, 3 = AMF3. */
  readonly objectEncoding?: number;
  /** Enhanced RTMP: FourCCs the client handles, e.g. `["hvc1", "av01"]`, or `["*"]`. */
  readonly fourCcList?: readonly string[];
  /** Enhanced RTMP v2: FourCC → flags (1 CanDecode, 2 CanEncode, 4 CanForward). */
  readonly videoFourCcInfoMap?: Readonly<Record<string, number>>;
  readonly audioFourCcInfoMap?: Readonly<Record<string, number>>;
  /** Enhanced RTMP v2: 1 Reconnect, 2 Multitrack, 4 ModEx, 8 TimestampNanoOffset. */
  readonly capsEx?: number;
}

/** A parsed `connect`: the known fields, typed, plus the whole object and extra arguments. */
export interface ConnectRequest extends ConnectParameters {
  readonly transactionId: number;
  readonly commandObject: Readonly<Record<string, unknown>>;
  readonly args: readonly unknown[];
}

/** Longest `tcUrl`/`swfUrl`/`pageUrl` accepted by {@link parseConnect}. */
export const MAX_CONNECT_URL_LENGTH = 4096;

/**
 * `"connect", transactionId, {...parameters}, ...args`. Fields left undefined are not sent.
 * @example
 * ```ts
 * buildConnect({ app: 'live', tcUrl: 'rtmp://localhost/live', flashVer: 'FMLE/3.0 (compatible; FMSc/1.0)' });
 * ```
 */
export function buildConnect(
  parameters: ConnectParameters & Readonly<Record<string, unknown>>,
  transactionId = 1,
  ...args: unknown[]
): CommandMessage {
  const object = Object.fromEntries(Object.entries(parameters).filter(([, value]) => value !== undefined));
  return command('connect', transactionId, object, args);
}

const stringField = (object: Record<string, unknown>, key: string) =>
  typeof object[key] === 'string' ? (object[key] as string) : undefined;
const numberField = (object: Record<string, unknown>, key: string) =>
  typeof object[key] === 'number' && Number.isFinite(object[key]) ? (object[key] as number) : undefined;
const flagMap = (value: unknown) =>
  isRecord(value)
    ? Object.fromEntries(
        Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
      )
    : undefined;

/**
 * Reads a `connect` command. Fields of the wrong type are left out rather than rejected (peers
 * vary); what a server cannot work without is checked.
 * @throws {@link MessageError} `MESSAGE_BAD_ARGUMENT` when the command object is missing or not an
 *   object, `app` is not a string of at most 1024 characters, or `tcUrl`/`swfUrl`/`pageUrl` is
 *   longer than 4096.
 */
export function parseConnect(message: CommandMessage): ConnectRequest {
  const object = message.commandObject;
  if (!isRecord(object))
    throw badArgument(message, `the command object must be an object, got ${describe(object)}`);
  const app = object['app'] === '' ? '' : nameArgument(message, object['app'], 'app');
  for (const key of ['tcUrl', 'swfUrl', 'pageUrl']) {
    const url = object[key];
    if (typeof url === 'string' && url.length > MAX_CONNECT_URL_LENGTH) {
      throw badArgument(message, `${key} is ${url.length} characters, over ${MAX_CONNECT_URL_LENGTH}`);
    }
  }
  const fourCcList = Array.isArray(object['fourCcList'])
    ? object['fourCcList'].filter((item): item is string => typeof item === 'string')
    : undefined;
  const request: Record<string, unknown> = {
    transactionId: message.transactionId,
    commandObject: object,
    args: message.args,
    app,
    tcUrl: stringField(object, 'tcUrl'),
    flashVer: stringField(object, 'flashVer'),
    swfUrl: stringField(object, 'swfUrl'),
    pageUrl: stringField(object, 'pageUrl'),
    type: stringField(object, 'type'),
    fpad: typeof object['fpad'] === 'boolean' ? object['fpad'] : undefined,
    capabilities: numberField(object, 'capabilities'),
    audioCodecs: numberField(object, 'audioCodecs'),
    videoCodecs: numberField(object, 'videoCodecs'),
    videoFunction: numberField(object, 'videoFunction'),
    objectEncoding: numberField(object, 'objectEncoding'),
    fourCcList,
    videoFourCcInfoMap: flagMap(object['videoFourCcInfoMap']),
    audioFourCcInfoMap: flagMap(object['audioFourCcInfoMap']),
    capsEx: numberField(object, 'capsEx'),
  };
  for (const key of Object.keys(request)) if (request[key] === undefined) delete request[key];
  return request as unknown as ConnectRequest;
}

/** Options of {@link buildConnectResult}. */
export interface ConnectResultOptions {
  /** Echo the client's `objectEncoding`. @default 0 */
  readonly objectEncoding?: number;
  /** @default 'Connection succeeded.' */
  readonly description?: string;
  /** Extra properties for the first object, e.g. Enhanced RTMP `fourCcList`, `capsEx`, `videoFourCcInfoMap`. */
  readonly properties?: Readonly<Record<string, unknown>>;
}

/**
 * The `_result` accepting a `connect`: `{fmsVer, capabilities}` then the
 * `NetConnection.Connect.Success` info, as nginx-rtmp, FFmpeg and FMS send it.
 */
export function buildConnectResult(
  transactionId: number,
  options: ConnectResultOptions = {},
): CommandMessage {
  return buildResult(
    transactionId,
    { fmsVer: 'FMS/3,0,1,123', capabilities: 31, ...options.properties },
    {
      level: 'status',
      code: StatusCode.ConnectSuccess,
      description: options.description ?? 'Connection succeeded.',
      objectEncoding: options.objectEncoding ?? 0,
    },
  );
}

/** The `_error` refusing a `connect` (`NetConnection.Connect.Rejected` unless another code is given). */
export function buildConnectRejected(
  transactionId: number,
  description: string,
  code: string = StatusCode.ConnectRejected,
): CommandMessage {
  return buildError(transactionId, { level: 'error', code, description });
}

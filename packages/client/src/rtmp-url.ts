import { RtmpClientError } from './errors';

/** An RTMP URL taken apart (`rtmp[s|e]://host[:port]/app[/instance][?query]`). */
export interface RtmpUrl {
  /** `rtmps`: over TLS; `rtmpe`: RTMPE (the encrypted handshake, then RC4) over TCP. */
  readonly protocol: 'rtmp' | 'rtmps' | 'rtmpe';
  /** Host name or address; IPv6 without brackets. */
  readonly host: string;
  /** 1935 for rtmp and rtmpe, 443 for rtmps unless given. */
  readonly port: number;
  /** Everything after the host: `live`, `live/instance`, `live?token=x` (sent in `connect`). */
  readonly app: string;
  /** The URL the server sees in `connect` (no trailing slash). */
  readonly tcUrl: string;
}

/** Default ports: RTMP's own, and HTTPS's for RTMPS (what YouTube, Facebook and Twitch use). */
export const DEFAULT_RTMP_PORT = 1935;
export const DEFAULT_RTMPS_PORT = 443;

/**
 * Parses a NetConnection URL.
 * @throws {@link RtmpClientError} `CLIENT_INVALID_URL`.
 * @example
 * ```ts
 * parseRtmpUrl('rtmp://[::1]:1936/live/instance?token=x');
 * // { protocol: 'rtmp', host: '::1', port: 1936, app: 'live/instance?token=x', tcUrl: 'rtmp://[::1]:1936/live/instance?token=x' }
 * ```
 */
export function parseRtmpUrl(url: string): RtmpUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RtmpClientError('CLIENT_INVALID_URL', `not a URL: ${url}`);
  }
  const protocol = parsed.protocol.slice(0, -1);
  if (protocol !== 'rtmp' && protocol !== 'rtmps' && protocol !== 'rtmpe') {
    throw new RtmpClientError(
      'CLIENT_INVALID_URL',
      `expected rtmp://, rtmps:// or rtmpe://, got ${parsed.protocol}//`,
    );
  }
  if (parsed.hostname === '') throw new RtmpClientError('CLIENT_INVALID_URL', `no host in ${url}`);
  const path = parsed.pathname.replace(/^\/+|\/+$/g, '');
  if (path === '')
    throw new RtmpClientError('CLIENT_INVALID_URL', `no application in ${url} (rtmp://host/app)`);
  const app = `${decodeURIComponent(path)}${parsed.search}`;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port =
    parsed.port === ''
      ? protocol === 'rtmps'
        ? DEFAULT_RTMPS_PORT
        : DEFAULT_RTMP_PORT
      : Number(parsed.port);
  return { protocol, host, port, app, tcUrl: `${protocol}://${parsed.host}/${path}${parsed.search}` };
}

/**
 * Splits a stream URL as encoders take it (`rtmp://host/app/stream?key`) into the NetConnection
 * URL and the stream name: the last path segment (with the query) is the stream.
 * @throws {@link RtmpClientError} `CLIENT_INVALID_URL` when there is no app or no stream.
 */
export function splitStreamUrl(url: string): { connectionUrl: string; streamName: string } {
  // The query string belongs to the stream name (stream keys and tokens ride there, `/` and all).
  const at = url.indexOf('?');
  const path = at === -1 ? url : url.slice(0, at);
  const query = at === -1 ? '' : url.slice(at);
  const match = /^(rtmp[se]?:\/\/[^/]+\/.+?)\/([^/]+)$/i.exec(path.replace(/\/+$/, ''));
  if (!match) throw new RtmpClientError('CLIENT_INVALID_URL', `expected rtmp://host/app/stream, got ${url}`);
  return { connectionUrl: match[1]!, streamName: match[2]! + query };
}

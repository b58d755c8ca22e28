import { RtmpClientError } from './errors';

/** An RTMP URL taken apart (`rtmp[s|e]://host[:port]/app[/instance][?query]`). */
export interface RtmpUrl {
  /**
   * `rtmps`: over TLS; `rtmpe`: RTMPE (the encrypted handshake, then RC4) over TCP; `rtmpt` and
   * `rtmpts`: tunnelled through HTTP or HTTPS POSTs.
   */
  readonly protocol: 'rtmp' | 'rtmps' | 'rtmpe' | 'rtmpt' | 'rtmpts';
  /** Host name or address; IPv6 without brackets. */
  readonly host: string;
  /** 1935 for rtmp and rtmpe, 443 for rtmps and rtmpts, 80 for rtmpt, unless given. */
  readonly port: number;
  /** Everything after the host: `live`, `live/instance`, `live?token=x` (sent in `connect`). */
  readonly app: string;
  /** The URL the server sees in `connect` (no trailing slash). */
  readonly tcUrl: string;
}

/** Default ports: RTMP's own, and HTTPS's for RTMPS (what YouTube, Facebook and Twitch use). */
export const DEFAULT_RTMP_PORT = 1935;
export const DEFAULT_RTMPS_PORT = 443;
/** Each scheme's port when the URL gives none (RTMPT as HTTP's, RTMPTS as HTTPS's). */
const DEFAULT_PORTS: Record<RtmpUrl['protocol'], number> = {
  rtmp: DEFAULT_RTMP_PORT,
  rtmpe: DEFAULT_RTMP_PORT,
  rtmps: DEFAULT_RTMPS_PORT,
  rtmpt: 80,
  rtmpts: 443,
};

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
  if (!Object.hasOwn(DEFAULT_PORTS, protocol)) {
    throw new RtmpClientError(
      'CLIENT_INVALID_URL',
      `expected rtmp://, rtmps://, rtmpe://, rtmpt:// or rtmpts://, got ${parsed.protocol}//`,
    );
  }
  if (parsed.hostname === '') throw new RtmpClientError('CLIENT_INVALID_URL', `no host in ${url}`);
  const path = parsed.pathname.replace(/^\/+|\/+$/g, '');
  if (path === '')
    throw new RtmpClientError('CLIENT_INVALID_URL', `no application in ${url} (rtmp://host/app)`);
  const app = `${decodeURIComponent(path)}${parsed.search}`;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const scheme = protocol as RtmpUrl['protocol'];
  const port = parsed.port === '' ? DEFAULT_PORTS[scheme] : Number(parsed.port);
  return { protocol: scheme, host, port, app, tcUrl: `${protocol}://${parsed.host}/${path}${parsed.search}` };
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
  const match = /^(rtmp(?:s|e|t|ts)?:\/\/[^/]+\/.+?)\/([^/]+)$/i.exec(path.replace(/\/+$/, ''));
  if (!match) throw new RtmpClientError('CLIENT_INVALID_URL', `expected rtmp://host/app/stream, got ${url}`);
  return { connectionUrl: match[1]!, streamName: match[2]! + query };
}

import type { ConnectRequest } from '@rtmp/messages';

// What the application's hooks, observers and filters are told, and what they answer.

/** What a hook learns about a request. `query` carries stream keys and tokens: never log it. */
export interface RequestInfo {
  readonly app: string;
  readonly name: string;
  readonly query: string;
  readonly remoteAddress: string;
  readonly connect: ConnectRequest;
  /** The RTMP connection asking ({@link ConnectionInfo.id}); absent for HTTP viewers and relays. */
  readonly connectionId?: number;
  /** On a publish to a name already published: who publishes it now (compare credentials to replace). */
  readonly publisher?: RequestInfo;
}

/**
 * A hook's verdict: allow, or deny with a description the client will see. A publish hook may
 * also allow with `replace: true`: the current publisher of the name (see
 * {@link RequestInfo.publisher}) is disconnected and the newcomer takes over; players keep
 * playing. Say it only when the newcomer holds the same credential (an encoder reconnecting
 * before its old connection timed out); otherwise a second publisher gets `Publish.BadName`.
 */
export type Verdict =
  | boolean
  | { readonly allow: true; readonly replace: true }
  | { readonly allow: false; readonly description: string; readonly code?: string };

/**
 * A refusal the server made on its own, as `observe.refused` and the `rtmp:server:refused` channel
 * tell it: a connection over a limit (which option, its value), or a publish or play an access
 * rule denied.
 */
export type Refusal =
  | {
      readonly kind: 'connection';
      readonly remoteAddress: string;
      /** The limit: `rtmptMaxSessions` is `rtmpt.maxSessions` (an RTMPT `/open` refused). */
      readonly option: 'maxConnections' | 'maxConnectionsPerAddress' | 'rtmptMaxSessions';
      readonly limit: number;
    }
  | {
      readonly kind: 'access';
      readonly remoteAddress: string;
      readonly action: 'publish' | 'play';
      readonly name: string;
    };

/** A connection as {@link RtmpServer.requestReconnect}'s filter sees it. */
export interface ConnectionInfo {
  /** Its number in this process, from 1 (what `observe.received` names it by). */
  readonly id: number;
  readonly remoteAddress: string;
  /** Its accepted `connect` (undefined before one). */
  readonly connect: ConnectRequest | undefined;
  /** Keys (`app/name`) it publishes and plays. */
  readonly publishing: readonly string[];
  readonly playing: readonly string[];
}

/** Options of {@link RtmpServer.requestReconnect}. */
export interface ReconnectRequestOptions {
  /** Where to reconnect: absolute, or relative to the client's tcUrl; absent, the same URL. */
  readonly tcUrl?: string;
  readonly description?: string;
  /** Which connections to ask. @default every connection that has connected */
  readonly filter?: (connection: ConnectionInfo) => boolean;
}

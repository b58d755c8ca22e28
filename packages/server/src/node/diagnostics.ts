import { type Channel, channel } from 'node:diagnostics_channel';
import type { Refusal } from '../hooks';
import type { RegistryStatus } from './registry-link';

/**
 * `node:diagnostics_channel` channels the server publishes on (subscribe with
 * `diagnostics_channel.subscribe(name, listener)`); messages are only built when someone listens.
 * Stream keys are reported, query strings (stream keys, tokens) never.
 */
export const diagnostics = {
  /** `{ remoteAddress }` for each accepted socket. */
  connection: channel('rtmp:server:connection'),
  /** `{ stream, remoteAddress }` for each accepted publish. */
  publish: channel('rtmp:server:publish'),
  /** `{ stream, remoteAddress }` for each accepted play. */
  play: channel('rtmp:server:play'),
  /** `{ remoteAddress }` when a connection closes. */
  close: channel('rtmp:server:close'),
  /** A {@link Refusal}: a connection over a limit, or a publish or play an access rule denied. */
  refused: channel('rtmp:server:refused'),
  /**
   * A relay's state changed: `{ stream, direction, url, state, bytes, messages, dropped,
   * reconnects, error? }` (`url` without its query string).
   */
  relay: channel('rtmp:server:relay'),
  /** A {@link RegistryStatus} when the stream registry becomes unreachable or reachable again. */
  registry: channel('rtmp:server:registry'),
  /** `{ remoteAddress, error }` when a client breaks the protocol. */
  error: channel('rtmp:server:error'),
} as const;

/** Publishes `message()` on `target` if anyone subscribed. */
export function report(target: Channel, message: () => unknown): void {
  if (target.hasSubscribers) target.publish(message());
}

import type { RequestInfo, Verdict } from '../hooks';

/** Options of {@link webhook}. */
export interface WebhookOptions {
  /** A webhook that has not answered by then denies. @default 5000 */
  readonly timeoutMs?: number;
  /** Extra headers (an authorization for the webhook, say). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A publish or play hook that asks an HTTP endpoint, in the style of nginx-rtmp's `on_publish`: it
 * POSTs `{ action, app, name, query, remoteAddress }` as JSON; a 2xx answer allows, anything else
 * (an error status, a redirect, a timeout, a refused connection) denies. Fail closed (E5).
 * @example
 * ```ts
 * new RtmpServer({ onPublish: webhook('http://auth.internal/rtmp', 'publish') });
 * ```
 */
export function webhook(
  url: string,
  action: 'publish' | 'play',
  options: WebhookOptions = {},
): (info: RequestInfo) => Promise<Verdict> {
  return async (info) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify({
          action,
          app: info.app,
          name: info.name,
          query: info.query,
          remoteAddress: info.remoteAddress,
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return true;
      return { allow: false, description: `refused by the ${action} webhook (HTTP ${response.status})` };
    } catch {
      return { allow: false, description: `the ${action} webhook did not answer` };
    }
  };
}

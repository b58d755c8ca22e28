import type { Server } from 'node:net';

/** Where a listener is bound, and its URL (`scheme://host:port`, IPv6 hosts in brackets). */
export interface Bound {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

/** Starts `server` listening on `host:port` (0: ephemeral); rejects if it cannot bind. */
export function listenOn(server: Server, port: number, host: string, scheme: string): Promise<Bound> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const bound = (server.address() as { port: number }).port;
      resolve({ host, port: bound, url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${bound}` });
    });
  });
}

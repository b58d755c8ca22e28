import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { RtmpServer } from '@rtmp/server';
import { CONSOLE_PAGE } from './console-page';

/** The vendored player library, read once from the npm package (nothing comes from a CDN). */
let mpegts: Buffer | undefined;
const player = () => {
  mpegts ??= readFileSync(createRequire(import.meta.url).resolve('mpegts.js/dist/mpegts.js'));
  return mpegts;
};

/**
 * The reference server's web side on one port: HTTP-FLV and WebSocket-FLV at `/<app>/<stream>.flv`,
 * `GET /health`, the JSON statistics under `/api/` (a connection's latest messages at
 * `/api/clients/<id>/messages`, the conformance report at `/api/report`), and the console at `/`.
 */
export async function startWeb(
  server: RtmpServer,
  api: () => unknown,
  port: number,
  host: string,
  /** The latest messages a connection sent, by its id. */
  messagesOf: (connectionId: number) => unknown,
  /** The conformance report. */
  report: () => unknown,
): Promise<{ url: string; close(): Promise<void> }> {
  const web: Server = createServer((request, response) => {
    if (server.http.handle(request, response)) return;
    const path = (request.url ?? '/').split('?')[0];
    const json = (body: unknown) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/health') json({ ok: true });
    else if (path === '/api' || path === '/api/') json(api());
    else if (path === '/api/report') json(report());
    else if (/^\/api\/clients\/\d+\/messages$/.test(path ?? ''))
      json(messagesOf(Number(path!.split('/')[3])) ?? []);
    else if (path === '/' || path === '/index.html')
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(CONSOLE_PAGE);
    else if (path === '/vendor/mpegts.js')
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(player());
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  web.on('upgrade', (request, socket, head) => {
    if (!server.http.upgrade(request, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    web.once('error', reject);
    web.listen(port, host, () => resolve());
  });
  const bound = (web.address() as { port: number }).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        web.closeAllConnections();
        web.close(() => resolve());
      }),
  };
}

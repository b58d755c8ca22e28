import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from '@rtmp/client';
import { diagnostics, RtmpServer, type RtmpServerOptions, webhook } from '@rtmp/server';
import { freePort } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedClient } from './hostile-client';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function start(options: RtmpServerOptions = {}) {
  const server = new RtmpServer({ port: 0, ...options });
  const { url } = await server.listen();
  cleanups.push(() => server.close());
  return { server, url: `${url}/live` };
}

describe('liveness deadlines', () => {
  it('E9: a publisher that sends no media is closed after publishFirstMediaTimeoutMs; one that stops, after publishIdleTimeoutMs', async () => {
    const { server, url } = await start({ publishFirstMediaTimeoutMs: 300, publishIdleTimeoutMs: 300 });
    const silent = await connect(url);
    await silent.publish('silent');
    const stopped = await connect(url);
    const publisher = await stopped.publish('stopped');
    await publisher.writeVideo(0, Uint8Array.of(0x17, 1, 0, 0, 0));
    await Promise.all([silent.closed, stopped.closed]); // the server hung up on both
    expect(server.stats().filter((s) => s.publishing)).toEqual([]);
    expect(server.connections).toBe(0);
  });

  it('F5: a peer that answers nothing is pinged, then closed after pingTimeoutMs', async () => {
    const { server, url } = await start({ pingIntervalMs: 200, pingTimeoutMs: 200 });
    // A player that starts playing, then goes silent: its session would answer pings, so stop feeding it.
    const client = await scriptedClient(Number(new URL(url).port), url, 'cam', 'play');
    cleanups.push(() => client.socket.destroy());
    client.socket.removeAllListeners('data');
    let answersWithheld = 0;
    client.socket.on('data', (bytes: Buffer) => {
      // The session still reads, and would answer the ping; the answer is never written.
      if (client.session.receive(bytes).send.length > 0) answersWithheld++;
    });
    await client.closed;
    expect(answersWithheld).toBeGreaterThan(0); // the ping came
    expect(server.connections).toBe(0);
  });
});

describe('diagnostics_channel', () => {
  it('reports connection, publish, play and close, without query strings', async () => {
    const seen: Array<[string, unknown]> = [];
    const listeners = Object.entries(diagnostics).map(([name, ch]) => {
      const listener = (message: unknown) => seen.push([name, message]);
      subscribe(ch.name as string, listener);
      return () => unsubscribe(ch.name as string, listener);
    });
    cleanups.push(() => listeners.forEach((off) => void off()));
    const { url } = await start();
    const connection = await connect(url);
    await connection.publish('cam?key=secret');
    await connection.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.map(([name]) => name)).toEqual(expect.arrayContaining(['connection', 'publish', 'close']));
    expect(seen.find(([name]) => name === 'publish')?.[1]).toMatchObject({ stream: 'live/cam' });
    expect(JSON.stringify(seen)).not.toContain('secret');
  });
});

describe('webhook (E5)', () => {
  async function endpoint(handle: (request: IncomingMessage, response: ServerResponse) => void) {
    const http = createHttpServer(handle);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(resolve));
    });
    return `http://127.0.0.1:${(http.address() as { port: number }).port}/hook`;
  }

  it('E5: 2xx allows and receives the request; 500, 302, a hang or a refused connection deny', async () => {
    const bodies: unknown[] = [];
    const ok = await endpoint((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        bodies.push(JSON.parse(body));
        response.writeHead(204).end();
      });
    });
    const failing = await endpoint((_, response) => response.writeHead(500).end('nope'));
    const redirect = await endpoint((_, response) => response.writeHead(302).end());
    const hanging = await endpoint(() => {});
    const refused = `http://127.0.0.1:${await freePort()}/hook`;
    const info = {
      app: 'live',
      name: 'cam',
      query: 'key=x',
      remoteAddress: '127.0.0.1',
      connect: { app: 'live' } as never,
    };
    expect(await webhook(ok, 'publish')(info)).toBe(true);
    expect(bodies).toEqual([
      { action: 'publish', app: 'live', name: 'cam', query: 'key=x', remoteAddress: '127.0.0.1' },
    ]);
    expect(await webhook(failing, 'publish')(info)).toMatchObject({
      allow: false,
      description: expect.stringContaining('500'),
    });
    expect(await webhook(redirect, 'publish')(info)).toMatchObject({
      allow: false,
      description: expect.stringContaining('302'),
    });
    expect(await webhook(hanging, 'play', { timeoutMs: 200 })(info)).toMatchObject({ allow: false });
    expect(await webhook(refused, 'publish')(info)).toMatchObject({ allow: false });

    // Wired into the server: a slow webhook delays only its own publisher.
    const { url } = await start({ onPublish: webhook(failing, 'publish') });
    const connection = await connect(url);
    cleanups.push(() => connection.close());
    await expect(connection.publish('cam')).rejects.toMatchObject({
      description: expect.stringContaining('HTTP 500'),
    });
  });
});

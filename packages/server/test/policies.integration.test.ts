import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from '@rtmp/client';
import { diagnostics, RtmpServer, type RtmpServerOptions, webhook } from '@rtmp/server';
import { deferCleanups, freePort, ipv6Available, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedClient } from './hostile-client';
import { startServer } from './start-server';

const defer = deferCleanups(afterEach);
/** `::1` can be bound (required in CI; elsewhere its tests are skipped, visibly). */
const ipv6 = await ipv6Available();
const start = (options: RtmpServerOptions = {}) => startServer(defer, options);

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
    defer(() => client.socket.destroy());
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
    defer(() => listeners.forEach((off) => void off()));
    const { url } = await start();
    const connection = await connect(url);
    await connection.publish('cam?key=secret');
    await connection.close();
    await waitFor(() => seen.some(([name]) => name === 'close'));
    expect(seen.map(([name]) => name)).toEqual(expect.arrayContaining(['connection', 'publish', 'close']));
    expect(seen.find(([name]) => name === 'publish')?.[1]).toMatchObject({ stream: 'live/cam' });
    expect(JSON.stringify(seen)).not.toContain('secret');
  });
});

describe('webhook (E5)', () => {
  async function endpoint(handle: (request: IncomingMessage, response: ServerResponse) => void) {
    const http = createHttpServer(handle);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    defer(() => {
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
    defer(() => connection.close());
    await expect(connection.publish('cam')).rejects.toMatchObject({
      description: expect.stringContaining('HTTP 500'),
    });
  });
});

describe('access rules by address (E7)', () => {
  /** Publishes or plays from `localAddress` (any 127.x.y.z is loopback); the outcome, or the refusal's code. */
  async function attempt(url: string, role: 'publish' | 'play', localAddress: string) {
    const port = Number(new URL(url).port);
    try {
      const client = await scriptedClient(port, url, `cam-${localAddress}-${role}`, role, localAddress);
      client.socket.destroy();
      return 'allowed';
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  }

  it('E7: IPv4 rules, a CIDR edge and the first match deciding; unmatched addresses allowed', async () => {
    const { url } = await start({
      access: ['allow publish 127.0.0.3', 'deny publish 127.0.0.2/31', 'deny play 127.0.0.4'],
    });
    expect(await attempt(url, 'publish', '127.0.0.1')).toBe('allowed'); // matches no rule
    expect(await attempt(url, 'publish', '127.0.0.2')).toBe('CLIENT_PUBLISH_REJECTED'); // inside the /31
    expect(await attempt(url, 'publish', '127.0.0.3')).toBe('allowed'); // the allow comes first
    expect(await attempt(url, 'publish', '127.0.0.4')).toBe('allowed'); // just past the /31
    expect(await attempt(url, 'play', '127.0.0.4')).toBe('CLIENT_PLAY_FAILED');
    expect(await attempt(url, 'play', '127.0.0.2')).toBe('allowed'); // publish rules say nothing of play
  });

  it('E7: IPv4-mapped peers of a dual-stack socket match as IPv4; "all" ends a list', async () => {
    // An IPv6 socket bound to the mapped loopback sees IPv4 peers as ::ffff:127.x.y.z.
    const server = new RtmpServer({
      host: '::ffff:127.0.0.1',
      port: 0,
      access: ['allow publish 127.0.0.5', 'deny play ::ffff:127.0.0.7', 'deny publish all'],
    });
    const { port } = await server.listen();
    defer(() => server.close());
    const url = `rtmp://127.0.0.1:${port}/live`;
    expect(await attempt(url, 'publish', '127.0.0.5')).toBe('allowed');
    expect(await attempt(url, 'publish', '127.0.0.6')).toBe('CLIENT_PUBLISH_REJECTED');
    expect(await attempt(url, 'play', '127.0.0.6')).toBe('allowed');
    expect(await attempt(url, 'play', '127.0.0.7')).toBe('CLIENT_PLAY_FAILED'); // a rule in the mapped form
  });

  it.skipIf(!ipv6)('E7: IPv6 rules match IPv6 peers only', async () => {
    const { url } = await start({
      host: ['127.0.0.1', '::1'],
      access: ['deny play ::1/128', 'deny publish ::/0'],
    });
    const port = new URL(url).port;
    const v6 = `rtmp://[::1]:${port}/live`;
    expect(await attempt(v6, 'play', '::1')).toBe('CLIENT_PLAY_FAILED');
    expect(await attempt(v6, 'publish', '::1')).toBe('CLIENT_PUBLISH_REJECTED');
    expect(await attempt(url, 'publish', '127.0.0.1')).toBe('allowed');
  });

  it('E7: a rule it cannot read is a typed error from the constructor', () => {
    for (const rule of [
      'permit publish all',
      'allow record all',
      'allow publish',
      'allow publish 10.0.0.0/33',
      'deny play ::1/129',
      'deny play 10.0.0.0/8 extra',
      'allow play example.com',
    ]) {
      expect(() => new RtmpServer({ access: [rule] }), rule).toThrow(
        expect.objectContaining({ code: 'SERVER_INVALID_OPTION', message: expect.stringContaining(rule) }),
      );
    }
  });
});

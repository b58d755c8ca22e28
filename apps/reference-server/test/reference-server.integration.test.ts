import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@rtmp/client';
import { readFlv } from '@rtmp/flv';
import { RECOMMENDED_NODE_FLAGS } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegCopyArgs,
  ffmpegPublishArgs,
  ipv6Available,
  packetHashes,
  peerAvailable,
  probeCodecs,
  readFlvTags,
  runProcess,
  sampleFlv,
  selfSignedCertificate,
  toHex,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_MESSAGE_LOG_BYTES,
  MESSAGE_SUMMARY_BYTES,
  type ReferenceServer,
  startReferenceServer,
} from '../src/index';
import { CLI_SOURCE, listeningLine, startCliProcess } from './cli-process';

const defer = deferCleanups(afterEach);
/** An AVC sequence header (x264's 320x240 SPS and PPS). */
const AVC_CONFIG = Uint8Array.from(
  Buffer.from(
    '17000000000164000dffe100196764000dacd94141fb011000003000100000300320f142996001000668ebe3cb22c0',
    'hex',
  ),
);
/** `::1` can be bound (required in CI; elsewhere its tests are skipped, visibly). */
const ipv6 = await ipv6Available();
async function start(options: Parameters<typeof startReferenceServer>[0] = {}): Promise<ReferenceServer> {
  const server = await startReferenceServer({ port: 0, ...options });
  defer(() => server.close());
  return server;
}
const publish = (flv: string, url: string) => runProcess('ffmpeg', ffmpegPublishArgs(flv, url));

describe.skipIf(!peerAvailable('ffmpeg'))('startReferenceServer (in-process API)', () => {
  it('tells a test what its client sent: the connect, the metadata, every media message', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const server = await start({ messageLog: { payloads: true } });
    const publishing = publish(flv, `${server.url}/live/cam`);
    await server.waitForPublish('cam');
    await publishing;
    await server.waitForUnpublish('cam');
    expect(server.connects()[0]).toMatchObject({
      app: 'live',
      flashVer: expect.stringMatching(/^FMLE\/3.0/),
    });
    const { metadata, media } = server.messages('cam');
    expect(metadata).toMatchObject({ width: 320, height: 240 });
    const tags = readFlvTags(flv).filter((t) => t.type !== 18);
    expect(media.map((m) => toHex(m.payload!))).toEqual(tags.map((t) => toHex(t.body)));
  });

  it('by default remembers a summary of each message (size, MD5), not its payload', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const server = await start();
    await publish(flv, `${server.url}/live/cam`);
    await server.waitForUnpublish('cam');
    const { media } = server.messages('cam');
    const tags = readFlvTags(flv).filter((t) => t.type !== 18);
    expect(media.map((m) => [m.typeId, m.size, m.md5])).toEqual(
      tags.map((t) => [t.type, t.body.length, createHash('md5').update(t.body).digest('hex')]),
    );
    expect(media.every((m) => m.payload === undefined)).toBe(true);
    expect(server.messageLog()).toEqual({
      messages: tags.length,
      bytes: tags.length * MESSAGE_SUMMARY_BYTES,
      maxBytes: DEFAULT_MESSAGE_LOG_BYTES,
    });
  });

  it('bounds the message log in bytes across streams, oldest first, and warns once naming the option', async () => {
    const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
    const server = await start({
      messageLog: { maxBytes: 6 * (MESSAGE_SUMMARY_BYTES + 1000), payloads: true },
      logger: (level, event, fields) => {
        if (level === 'warn') warnings.push([event, fields]);
      },
    });
    const connection = await connect(`${server.url}/live`);
    defer(() => connection.close());
    const a = await connection.publish('a');
    const b = await connection.publish('b');
    for (let i = 0; i < 5; i++) {
      await a.writeVideo(i * 40, new Uint8Array(1000).fill(0x27));
      await b.writeVideo(i * 40, new Uint8Array(1000).fill(0x27));
    }
    await a.close();
    await b.close();
    await server.waitForUnpublish('a');
    await server.waitForUnpublish('b');
    // Ten messages arrived alternating a, b; the budget holds six: the first four went.
    expect(server.messages('a').media.map((m) => m.timestamp)).toEqual([80, 120, 160]);
    expect(server.messages('b').media.map((m) => m.timestamp)).toEqual([80, 120, 160]);
    expect(server.messageLog().bytes).toBeLessThanOrEqual(6 * (MESSAGE_SUMMARY_BYTES + 1000));
    expect(warnings).toEqual([
      [
        'message log full: the oldest messages are dropped from now on',
        { maxBytes: 6 * (MESSAGE_SUMMARY_BYTES + 1000), raise: 'messageLog.maxBytes' },
      ],
    ]);
  });

  it('keeps only the latest connect requests: a long-running server does not grow', async () => {
    const server = await start({ historyLength: 2 });
    for (const app of ['a', 'b', 'c']) {
      const connection = await connect(`${server.url}/${app}`);
      await connection.close();
    }
    expect(server.connects().map((c) => c.app)).toEqual(['b', 'c']);
  });

  it('requestReconnect asks the matching connections, with the tcUrl given', async () => {
    const server = await start();
    const publisher = await connect(`${server.url}/live`);
    const bystander = await connect(`${server.url}/live`);
    defer(() => publisher.close());
    defer(() => bystander.close());
    await publisher.publish('cam');
    expect(
      server.requestReconnect({ tcUrl: 'rtmp://elsewhere/live', filter: (c) => c.publishing.length > 0 }),
    ).toBe(1);
    expect(await publisher.reconnectRequested).toEqual({
      url: 'rtmp://elsewhere/live',
      description: 'the server asks you to reconnect',
    });
    // A round trip on the bystander's socket: a request sent to it would have arrived before the answer.
    let heard = false;
    void bystander.reconnectRequested.then(() => {
      heard = true;
    });
    await bystander.publish('probe');
    expect(heard).toBe(false);
  });

  it('a connection refused for a limit is logged once at warn, with the address, the limit and the flag that raises it', async () => {
    const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
    const server = await start({
      server: { maxConnectionsPerAddress: 1 },
      logger: (level, event, fields) => {
        if (level === 'warn') warnings.push([event, fields]);
      },
    });
    const first = await connect(`${server.url}/live`);
    defer(() => first.close());
    for (let i = 0; i < 3; i++) await expect(connect(`${server.url}/live`)).rejects.toBeDefined();
    expect(warnings).toEqual([
      [
        'connection refused: over a limit (further refusals of this address for it are not logged)',
        { address: '127.0.0.1', limit: 1, raise: '--max-per-address (server.maxConnectionsPerAddress)' },
      ],
    ]);
  });

  it('a publish an access rule denies is logged once per address at warn, naming --access', async () => {
    const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
    const server = await start({
      server: { access: ['deny publish all'] },
      logger: (level, event, fields) => {
        if (level === 'warn') warnings.push([event, fields]);
      },
    });
    const connection = await connect(`${server.url}/live`);
    defer(() => connection.close());
    for (const name of ['one', 'two'])
      await expect(connection.publish(name)).rejects.toMatchObject({
        statusCode: 'NetStream.Publish.Denied',
      });
    expect(warnings).toEqual([
      [
        'publish refused by an access rule (further ones from this address are not logged)',
        { address: '127.0.0.1', name: 'one', rules: '--access (server.access)' },
      ],
    ]);
  });

  it('E6: with a publish key: publishing without it is denied, with it allowed', async () => {
    const server = await start({ publishKey: 's3cret' });
    const connection = await connect(`${server.url}/live`);
    defer(() => connection.close());
    await expect(connection.publish('cam')).rejects.toMatchObject({
      statusCode: 'NetStream.Publish.Unauthorized',
      description: 'a valid ?key= is required to publish',
    });
    await expect(connection.publish('cam?key=wrong')).rejects.toMatchObject({
      code: 'CLIENT_PUBLISH_REJECTED',
    });
    await expect(connection.publish('cam?key=s3cret')).resolves.toBeDefined();
  });

  it('records to FLV (ffprobe-valid, identical packets) under a temporary name, renamed when done', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'reference-record-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const server = await start({ recordDir: dir });
    await publish(flv, `${server.url}/live/cam`);
    await server.waitForUnpublish('cam');
    await waitFor(() => server.recordings().length > 0);
    const [file] = server.recordings();
    expect(file).toMatch(/live_cam-.*\.flv$/);
    expect(readdirSync(dir).some((name) => name.endsWith('.part'))).toBe(false);
    expect(await probeCodecs(file!)).toEqual(['aac', 'h264']);
    expect(await packetHashes(file!, 'v')).toEqual(await packetHashes(flv, 'v'));
  });

  it('F9: a recording that hits a full disk stops with a logged error; the stream and its player go on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reference-full-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    symlinkSync('/dev/full', join(dir, 'live_cam.flv.part')); // every write: ENOSPC
    const logged: Array<{ event: string; fields?: Record<string, unknown> }> = [];
    const server = await start({
      recordDir: dir,
      logger: (_level, event, fields) => logged.push({ event, fields }),
    });
    const publishing = await connect(`${server.url}/live`);
    defer(() => publishing.close());
    const publisher = await publishing.publish('cam');
    const playing = await connect(`${server.url}/live`, { player: true });
    defer(() => playing.close());
    const player = await playing.play('cam');
    let received = 0;
    const reading = (async () => {
      for await (const event of player) if (event.type === 'video') received++;
    })();
    for (let i = 0; i < 40; i++) {
      const body = new Uint8Array(200_000).fill(i);
      body[0] = i % 10 === 0 ? 0x17 : 0x27;
      body[1] = 1;
      await publisher.writeVideo(i * 40, body);
    }
    await publisher.close();
    await reading;
    expect(received).toBe(40);
    expect(logged.find((l) => l.event.startsWith('recording failed'))?.fields).toMatchObject({
      stream: 'live/cam',
      error: expect.stringContaining('ENOSPC'),
    });
    expect(server.recordings()).toEqual([]);
  });

  it('E11: recorded timestamps never go backwards, whatever the publisher sends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reference-e11-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const server = await start({ recordDir: dir });
    const publishing = await connect(`${server.url}/live`);
    defer(() => publishing.close());
    const publisher = await publishing.publish('jumpy');
    // Forward, back an hour, frozen at 0, then forward past 2^31.
    for (const timestamp of [3_600_000, 3_600_040, 0, 0, 40, 2 ** 31 + 5, 2 ** 31 + 45]) {
      await publisher.writeVideo(timestamp, Uint8Array.of(0x17, 1, 0, 0, 0));
    }
    await publisher.close();
    await server.waitForUnpublish('jumpy');
    await waitFor(() => server.recordings().length > 0);
    const times = readFlvTags(server.recordings()[0]!).map((tag) => tag.timestamp);
    expect(times).toEqual([3_600_000, 3_600_040, 3_600_040, 3_600_040, 3_600_040, 2 ** 31 + 5, 2 ** 31 + 45]);
  });

  it('E3: names that would leave the record directory are refused and create nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reference-e3-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const server = await start({ recordDir: join(dir, 'records') });
    const connection = await connect(`${server.url}/live`);
    defer(() => connection.close());
    for (const name of ['../../escape', '..', 'a/../../b', 'bad name', 'x'.repeat(129)]) {
      await expect(connection.publish(name)).rejects.toMatchObject({ code: 'CLIENT_PUBLISH_REJECTED' });
    }
    expect(existsSync(join(dir, 'escape.flv'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('E4: a name of 128 allowed characters is accepted, 129 or one outside the allowlist refused; namePattern: null lifts it', async () => {
    const server = await start();
    const connection = await connect(`${server.url}/live`);
    defer(() => connection.close());
    await connection.publish(`${'a'.repeat(128)}?key=${'k'.repeat(200)}`); // the query does not count
    await server.waitForPublish('a'.repeat(128));
    for (const name of ['a'.repeat(129), 'bad name', 'caf\u00e9', 'a/b', 'x<y']) {
      await expect(connection.publish(name), name).rejects.toMatchObject({
        code: 'CLIENT_PUBLISH_REJECTED',
        statusCode: 'NetStream.Publish.BadName',
      });
      await expect(connection.play(name), name).rejects.toMatchObject({ code: 'CLIENT_PLAY_FAILED' });
    }
    const lenient = await start({ namePattern: null });
    const anyName = await connect(`${lenient.url}/live`);
    defer(() => anyName.close());
    await anyName.publish('bad name \u00e9');
    await lenient.waitForPublish('bad name \u00e9');
    // A global pattern (stateful in RegExp.test) accepts a name every time, not every other time.
    const global = await start({ namePattern: /^cam\d$/g });
    const cams = await connect(`${global.url}/live`);
    defer(() => cams.close());
    for (const name of ['cam1', 'cam2', 'cam3']) await cams.publish(name);
    await expect(cams.publish('cam10')).rejects.toMatchObject({ statusCode: 'NetStream.Publish.BadName' });
  });

  it('accepts rtmps:// with --tls-port: our client publishes over TLS, trusting the certificate', async () => {
    const { cert, key } = await selfSignedCertificate();
    const server = await start({ tls: { port: 0, cert, key: key } });
    expect(server.tlsUrl).toMatch(/^rtmps:\/\/127\.0\.0\.1:\d+$/);
    const connection = await connect(`${server.tlsUrl}/live`, { tls: { ca: cert } });
    defer(() => connection.close());
    await connection.publish('secure');
    await server.waitForPublish('secure');
  });

  it('serves statistics and health over HTTP', async () => {
    const server = await start({ statsPort: 0 });
    const connection = await connect(`${server.url}/live`);
    defer(() => connection.close());
    await connection.publish('cam');
    const stats = (await (await fetch(`${server.statsUrl}/`)).json()) as {
      streams: Array<{ key: string }>;
      connections: number;
      bytesIn: number;
      bytesOut: number;
    };
    expect(stats.streams.map((s) => s.key)).toEqual(['live/cam']);
    expect(stats.connections).toBe(1);
    // At least the handshake: C0+C1+C2 in, S0+S1+S2 out.
    expect(stats.bytesIn).toBeGreaterThan(1 + 1536 * 2);
    expect(stats.bytesOut).toBeGreaterThan(1 + 1536 * 2);
    expect(await (await fetch(`${server.statsUrl}/health`)).json()).toEqual({ ok: true });
  });

  it.skipIf(!ipv6)(
    'listens on several addresses: IPv6 first (bracketed stats URL), IPv4 on the same port',
    async () => {
      const server = await start({ host: ['::1', '127.0.0.1'], statsPort: 0 });
      expect(server.url).toMatch(/^rtmp:\/\/\[::1\]:\d+$/);
      expect(server.statsUrl).toMatch(/^http:\/\/\[::1\]:\d+$/);
      const connection = await connect(`rtmp://127.0.0.1:${server.port}/live`);
      defer(() => connection.close());
      await connection.publish('cam');
      const stats = (await (await fetch(`${server.statsUrl}/`)).json()) as {
        streams: Array<{ key: string }>;
      };
      expect(stats.streams.map((s) => s.key)).toEqual(['live/cam']);
    },
  );
});

/** Our client publishes one frame to `app` (an rtmp, rtmpe or rtmpt URL) and a player there gets it intact. */
async function frameGoesThrough(app: string) {
  const publishing = await connect(app);
  defer(() => publishing.close());
  const publisher = await publishing.publish('through');
  const playing = await connect(app);
  defer(() => playing.close());
  const frames = (await playing.play('through'))[Symbol.asyncIterator]();
  const frame = Uint8Array.of(0x17, 1, 0, 0, 0, 42);
  await publisher.writeVideo(40, frame);
  for (;;) {
    const next = await frames.next();
    if (next.done) throw new Error('the play ended');
    if (next.value.type !== 'video') continue;
    expect(next.value.payload).toEqual(frame);
    return;
  }
}

describe('rtmp-reference-server CLI', () => {
  /** The CLI on a free port with `args`, stopped after the test. */
  function runCli(args: string[]) {
    const cli = startCliProcess(args);
    defer(() => cli.stop());
    return cli;
  }
  /** Starts the CLI with `args`; resolves with its first line, the listening event. */
  async function startCli(args: string[]) {
    const cli = runCli(args);
    return { cli, listening: await listeningLine(cli) };
  }

  it('prints one machine-readable line with its URL, serves, and stops cleanly on SIGTERM', async () => {
    const { cli, listening } = await startCli([
      '--access',
      'allow publish 127.0.0.1',
      '--access',
      'deny play all',
      '--stats-port',
      '0',
    ]);
    expect(listening).toMatchObject({
      event: 'listening',
      url: expect.stringMatching(/^rtmp:\/\/127\.0\.0\.1:\d+$/),
    });
    const connection = await connect(`${listening.url}/live`);
    const publisher = await connection.publish('cli');
    for (let i = 0; i < 20; i++) await publisher.writeVideo(i * 40, new Uint8Array(5000).fill(0x27));
    // The CLI remembers nothing per message (nobody can read its in-process API): 20 arrived, 0 kept.
    type Stats = { streams: Array<{ messages: number }>; messageLog: Record<string, number> };
    const stats = async () => (await (await fetch(`${listening.stats}/`)).json()) as Stats;
    await waitFor(async () => (await stats()).streams[0]?.messages === 20);
    expect((await stats()).messageLog).toEqual({ messages: 0, bytes: 0, maxBytes: 0 });
    // --access: this address may publish but not play.
    await expect(connection.play('cli')).rejects.toMatchObject({ code: 'CLIENT_PLAY_FAILED' });
    await connection.close();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/"event":"stopped"/);
  });
  it("starts Node with @rtmp/server's RECOMMENDED_NODE_FLAGS (its first line), and its listening line says which flags Node has", async () => {
    const shebang = readFileSync(CLI_SOURCE, 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${RECOMMENDED_NODE_FLAGS.join(' ')}`);
    const cli = startCliProcess([], RECOMMENDED_NODE_FLAGS);
    defer(() => cli.stop());
    const listening = await listeningLine(cli);
    expect(listening.nodeFlags).toEqual([...RECOMMENDED_NODE_FLAGS, '--import', 'tsx']);
  });
  it('answers rtmpe:// on its port (our client publishes, a player gets the frames); --no-rtmpe refuses it', async () => {
    const { listening } = await startCli([]);
    const rtmpe = listening.url.replace(/^rtmp:/, 'rtmpe:');
    await frameGoesThrough(`${rtmpe}/live`);
    const { listening: off } = await startCli(['--no-rtmpe']);
    await expect(connect(`${off.url.replace(/^rtmp:/, 'rtmpe:')}/live`)).rejects.toMatchObject({
      code: expect.stringMatching(/^CLIENT_/),
    });
  });

  it('--rtmpt-port: the listening line names the rtmpt:// URL; a publisher and a player tunnelled through it', async () => {
    const { listening } = await startCli(['--rtmpt-port', '0']);
    const rtmpt = (listening as unknown as { rtmpt: string }).rtmpt;
    expect(rtmpt).toMatch(/^rtmpt:\/\/127\.0\.0\.1:\d+$/);
    await frameGoesThrough(`${rtmpt}/live`);
  });

  it('SIGHUP asks every connection to reconnect (Enhanced RTMP ReconnectRequest) and says how many', async () => {
    const { cli, listening } = await startCli([]);
    const first = await connect(`${listening.url}/live`);
    const second = await connect(`${listening.url}/other`);
    defer(() => first.close());
    defer(() => second.close());
    cli.child.kill('SIGHUP');
    expect(await first.reconnectRequested).toMatchObject({ url: `${listening.url}/live` });
    expect(await second.reconnectRequested).toMatchObject({ url: `${listening.url}/other` });
    await waitFor(() => cli.stdout().includes('"event":"reconnect-requested","connections":2'));
  });

  it.skipIf(!peerAvailable('ffmpeg'))(
    '--adobe-auth: FFmpeg publishes with rtmp://user:pass@host/app; without credentials it is refused',
    async () => {
      const flv = await sampleFlv({ seconds: 1 });
      const { listening } = await startCli(['--adobe-auth', 'robert:s3cret', '--log-level', 'info']);
      const port = new URL(listening.url.replace('rtmp:', 'http:')).port;
      await publish(flv, `rtmp://robert:s3cret@127.0.0.1:${port}/live/authed`);
      await expect(publish(flv, `rtmp://127.0.0.1:${port}/live/anonymous`)).rejects.toBeDefined();
      const bad = runCli(['--adobe-auth', 'no-colon']);
      expect(await bad.exited).toBe(1);
      expect(bad.stderr()).toContain('--adobe-auth must be USER:PASS, got no-colon');
    },
  );

  it.skipIf(!peerAvailable('ffmpeg'))(
    '--vod-dir: FFmpeg plays a recorded file from it, packets identical',
    async () => {
      const flv = await sampleFlv({ seconds: 1 });
      const dir = mkdtempSync(join(tmpdir(), 'reference-vod-'));
      defer(() => rmSync(dir, { recursive: true, force: true }));
      copyFileSync(flv, join(dir, 'clip.flv'));
      const { listening } = await startCli(['--vod-dir', dir]);
      const out = join(dir, 'played.flv');
      await runProcess('ffmpeg', ffmpegCopyArgs(`${listening.url}/vod/clip`, out));
      expect(await packetHashes(out)).toEqual(await packetHashes(flv));
    },
  );

  it('--push restreams every stream to another server, --pull makes an edge; the stats show each relay; a bad URL exits 1', async () => {
    const mirror = await startCli([]);
    const origin = await startCli(['--push', `${mirror.listening.url}/mirror`, '--stats-port', '0']);
    const edge = await startCli(['--pull', `${origin.listening.url}/live`]);
    const connection = await connect(`${origin.listening.url}/live`);
    defer(() => connection.close());
    const publisher = await connection.publish('cam');
    await publisher.writeVideo(0, Uint8Array.from([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f]));
    let stopped = false;
    const feeding = (async () => {
      for (let i = 0; !stopped; i++) {
        await publisher.writeVideo(
          i * 40,
          Uint8Array.from([i % 25 === 0 ? 0x17 : 0x27, 1, 0, 0, 0, i & 0xff]),
        );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    defer(async () => {
      stopped = true;
      await feeding;
    });
    const framesFrom = async (url: string, name: string) => {
      const player = await connect(url);
      defer(() => player.close());
      let frames = 0;
      for await (const event of await player.play(name)) if (event.type === 'video' && ++frames >= 10) break;
      return frames;
    };
    expect(await framesFrom(`${mirror.listening.url}/mirror`, 'cam')).toBe(10);
    expect(await framesFrom(`${edge.listening.url}/live`, 'cam')).toBe(10);
    type Stats = {
      streams: Array<{ key: string; relays?: Array<{ direction: string; url: string; state: string }> }>;
    };
    const stats = (await (await fetch(`${origin.listening.stats}/`)).json()) as Stats;
    expect(stats.streams.find((stream) => stream.key === 'live/cam')?.relays).toEqual([
      expect.objectContaining({
        direction: 'push',
        url: `${mirror.listening.url}/mirror/cam`,
        state: 'live',
      }),
    ]);
    const bad = runCli(['--push', 'http://example.com/live']);
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toContain('relay.push: cannot use "http://example.com/live"');
  });

  it('--http-port: the listening line names the web side; /health, /api/, the console and HTTP-FLV answer', async () => {
    const { listening } = await startCli(['--http-port', '0']);
    const { http } = listening as unknown as { http: string };
    expect(http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${http}/health`)).json()).toEqual({ ok: true });
    const connection = await connect(`${listening.url}/live`);
    defer(() => connection.close());
    const publisher = await connection.publish('web');
    await publisher.writeVideo(0, Uint8Array.from([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f]));
    await publisher.writeVideo(0, Uint8Array.from([0x17, 1, 0, 0, 0, 0xaa]));
    type Api = {
      streams: Array<{ key: string }>;
      connections: number;
      clients: Array<{
        id: number;
        app: string;
        remoteAddress: string;
        publishing: string[];
        bytesIn: number;
      }>;
    };
    await waitFor(async () => ((await (await fetch(`${http}/api/`)).json()) as Api).streams.length === 1);
    const api = (await (await fetch(`${http}/api/`)).json()) as Api;
    expect(api.streams[0]!.key).toBe('live/web');
    expect(api.connections).toBe(1);
    expect(api.clients).toEqual([
      expect.objectContaining({ app: 'live', remoteAddress: '127.0.0.1', publishing: ['live/web'] }),
    ]);
    expect(api.clients[0]!.bytesIn).toBeGreaterThan(3000);
    // The messages that connection sent: commands with their arguments, media summarised.
    type Sent = Array<{ type: string; name?: string; args?: string; size?: number }>;
    const sent = (await (await fetch(`${http}/api/clients/${api.clients[0]!.id}/messages`)).json()) as Sent;
    const commands = sent.filter((m) => m.type === 'command').map((m) => m.name!);
    expect(commands[0]).toBe('connect');
    expect(commands.indexOf('createStream')).toBeGreaterThan(0);
    expect(commands.indexOf('publish')).toBeGreaterThan(commands.indexOf('createStream'));
    expect(sent.find((m) => m.name === 'publish')?.args).toContain('"web"');
    expect(sent.filter((m) => m.type === 'video').map((m) => m.size)).toEqual([9, 6]);
    expect(await (await fetch(`${http}/api/clients/999999/messages`)).json()).toEqual([]);
    const page = await fetch(`${http}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/vendor/mpegts.js');
    expect((await fetch(`${http}/vendor/mpegts.js`)).status).toBe(200);
    const flv = await fetch(`${http}/live/web.flv`);
    expect(flv.headers.get('content-type')).toBe('video/x-flv');
    const reader = flv.body!.getReader();
    const { value } = await reader.read();
    expect(Buffer.from(value!.subarray(0, 3)).toString()).toBe('FLV');
    await reader.cancel();
  });

  it('limit flags reach the server: --max-per-address 1 refuses a second connection from one address; a bad value exits 1', async () => {
    const { listening } = await startCli(['--max-per-address', '1', '--merge-ms', '0']);
    const first = await connect(`${listening.url}/live`);
    await expect(connect(`${listening.url}/live`)).rejects.toMatchObject({
      code: expect.stringMatching(/^CLIENT_/),
    });
    await first.close();
    // The refusal was the per-address limit: with the first one gone, a connection is accepted.
    await waitFor(async () => {
      const again = await connect(`${listening.url}/live`).catch(() => undefined);
      await again?.close();
      return again !== undefined;
    });

    const bad = runCli(['--merge-ms', 'soon']);
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toContain('--merge-ms must be an integer from 0 to 1000, got soon');
  });

  it('--report writes every connection with its findings on stop; --fail-on error exits 3 when the software under test erred, 0 when it did not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    type Report = {
      connections: {
        role: string;
        stream: string;
        app: string;
        flashVer: string;
        address: string;
        findings: { code: string; severity: string }[];
        faults: string[];
      }[];
      summary: Record<string, number>;
    };
    const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;

    // A clean encoder: ffmpeg publishes a file whole.
    const clean = await startCli(['--report', join(dir, 'clean.json'), '--fail-on', 'error']);
    const flv = await sampleFlv({ seconds: 1 });
    await runProcess(
      'ffmpeg',
      ffmpegPublishArgs(flv, `${clean.listening.url}/live/cam`, { realtime: false }),
    );
    clean.cli.child.kill('SIGTERM');
    expect(await clean.cli.exited).toBe(0);
    const cleanReport = read(join(dir, 'clean.json'));
    expect(cleanReport.connections).toEqual([
      {
        id: expect.any(Number),
        address: '127.0.0.1',
        app: 'live',
        flashVer: expect.stringMatching(/^FMLE\/3\.0/),
        role: 'publisher',
        stream: 'cam',
        findings: [],
        faults: [],
      },
    ]);
    expect(cleanReport.summary).toEqual({});

    // A broken one: frames before the sequence header, time going back.
    const broken = await startCli([
      ...['--report', join(dir, 'broken.json'), '--fail-on', 'error'],
      ...['--fault', 'ping@20ms', '--log-level', 'info', '--log-format', 'json'],
    ]);
    const connection = await connect(`${broken.listening.url}/live`);
    const publisher = await connection.publish('bad');
    await publisher.writeVideo(500, Uint8Array.of(0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65));
    await publisher.writeVideo(400, Uint8Array.of(0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41));
    await connection.close();
    broken.cli.child.kill('SIGTERM');
    expect(await broken.cli.exited).toBe(3);
    expect(broken.cli.stdout()).toMatch(/"event":"stopped".*"failed":true/);
    // Findings and faults are logged as they happen.
    const logged = broken.cli
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map(
        (line) => JSON.parse(line) as { level: string; event: string; connection?: number; message?: string },
      );
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        event: 'finding: timestamp-regression',
        message: 'video timestamp went back from 500 to 400 ms',
      }),
    );
    expect(logged).toContainEqual(expect.objectContaining({ level: 'info', event: 'fault: ping@20ms' }));
    // Only a warning (the first video frame is not a keyframe): --fail-on warning fails on it.
    const odd = await startCli(['--fail-on', 'warning']);
    const oddConnection = await connect(`${odd.listening.url}/live`);
    const oddPublisher = await oddConnection.publish('odd');
    await oddPublisher.writeVideo(0, AVC_CONFIG);
    await oddPublisher.writeVideo(0, Uint8Array.of(0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41));
    await oddConnection.close();
    odd.cli.child.kill('SIGTERM');
    expect(await odd.cli.exited).toBe(3);
    expect(odd.cli.stdout()).toMatch(
      /"findings":\{"missing-set-data-frame":1,"first-video-not-keyframe":1\},"failed":true/,
    );

    const [reported] = read(join(dir, 'broken.json')).connections;
    expect(reported).toMatchObject({ role: 'publisher', stream: 'bad', app: 'live' });
    expect(reported!.findings.map((finding) => finding.code)).toEqual([
      'missing-set-data-frame',
      'media-before-sequence-header',
      'timestamp-regression',
    ]);
    expect(reported!.faults).toEqual(['ping@20ms']);
  });

  it('F10: kill -9 while recording leaves a readable .part and no half-written final file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reference-kill-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const { cli, listening } = await startCli(['--record-dir', dir]);
    const { url } = listening;
    const connection = await connect(`${url}/live`);
    defer(() => connection.close());
    const publisher = await connection.publish('cam');
    for (let i = 0; i < 50; i++)
      await publisher.writeVideo(i * 40, new Uint8Array(20_000).fill(i % 10 ? 0x27 : 0x17));
    const part = join(dir, 'live_cam.flv.part');
    await waitFor(() => existsSync(part) && readFileSync(part).length > 100_000, 15_000);
    cli.child.kill('SIGKILL');
    await cli.exited;
    expect(readdirSync(dir)).toEqual(['live_cam.flv.part']);
    const tags: number[] = [];
    for await (const item of readFlv(part)) if (item.kind === 'tag') tags.push(item.tag.timestamp);
    expect(tags.length).toBeGreaterThan(0);
    expect(tags).toEqual(tags.map((_, i) => i * 40)); // a whole-tag prefix of what was sent
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PlayerEvent } from '@rtmp/client';
import { RtmpServer } from '@rtmp/server';
import { peerAvailable, readFlvTags, runProcess, sampleFlv } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('openssl'))('RtmpServer over TLS', () => {
  it('ffmpeg publishes over rtmps:// to the TLS listener; a plain-port player gets every frame', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'server-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const server = new RtmpServer({ port: 0 });
    const plain = await server.listen();
    const secure = await server.listenTls({
      port: 0,
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
    });
    cleanups.push(() => server.close());
    expect(secure.url).toMatch(/^rtmps:\/\/127\.0\.0\.1:\d+$/);

    const connection = await connect(`${plain.url}/live`, { player: true });
    cleanups.push(() => connection.close());
    const player = await connection.play('secure');
    const events: PlayerEvent[] = [];
    const done = (async () => {
      for await (const event of player) events.push(event);
    })();
    const flv = await sampleFlv({ seconds: 2 });
    // FFmpeg's TLS does not verify certificates unless asked to: a self-signed one will do.
    await runProcess('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-i',
      flv,
      '-c',
      'copy',
      '-f',
      'flv',
      `${secure.url}/live/secure`,
    ]);
    await done;
    const video = events.flatMap((e) => (e.type === 'video' ? [Buffer.from(e.payload).toString('hex')] : []));
    expect(video).toEqual(
      readFlvTags(flv)
        .filter((t) => t.type === 9)
        .map((t) => Buffer.from(t.body).toString('hex')),
    );
  });
});

// `pnpm start` on a terminal: a short how-to after the listening line; a pipe gets the line alone.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstRunText } from '../src/first-run';

describe('the first-run text', () => {
  it('says where to publish (ffmpeg and OBS), where to play and, with the web side, where to watch', () => {
    const text = firstRunText({ url: 'rtmp://127.0.0.1:1935', httpUrl: 'http://127.0.0.1:8000' });
    expect(text).toContain('Publish to   rtmp://127.0.0.1:1935/live/test');
    expect(text).toContain('ffmpeg -re -i input.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/test');
    expect(text).toContain('Server rtmp://127.0.0.1:1935/live, Stream Key test');
    expect(text).toContain('ffplay rtmp://127.0.0.1:1935/live/test');
    expect(text).toContain('open http://127.0.0.1:8000/');
    expect(firstRunText({ url: 'rtmp://h:1', httpUrl: undefined })).not.toContain('Watch');
  });

  it('the CLI prints it on a terminal (util-linux script gives it one), after the JSON line; Ctrl+C stops it', async () => {
    const cli = join(import.meta.dirname, '..', 'src', 'cli.ts');
    const terminal = spawn(
      'script',
      ['-qec', `exec node --import tsx ${cli} --port 0 --http-port 0`, '/dev/null'],
      {
        cwd: join(import.meta.dirname, '..'),
      },
    );
    let out = '';
    let stopped = false;
    terminal.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (stopped || !out.includes('Ctrl+C')) return;
      stopped = true;
      terminal.stdin.write('\x03'); // what the how-to says stops it
    });
    const code = await Promise.race([
      new Promise((resolve) => terminal.once('exit', resolve)),
      new Promise((resolve) => setTimeout(() => resolve('timed out'), 20_000)),
    ]);
    terminal.kill('SIGKILL');
    expect(code).toBe(0);
    const lines = out.split(/\r?\n/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'listening' });
    expect(out).toMatch(/Publish to {3}rtmp:\/\/127\.0\.0\.1:\d+\/live\/test/);
    expect(out).toMatch(/Watch {8}open http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toMatch(/"event":"stopped"/);
  });
});

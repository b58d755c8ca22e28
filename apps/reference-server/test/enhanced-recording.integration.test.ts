import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deferCleanups,
  demuxWithFfmpeg8,
  modernMedia,
  packetsPerStream,
  peerAvailable,
  publishWithFfmpeg8,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../src/index';

const defer = deferCleanups(afterEach);

describe.skipIf(!peerAvailable('ffmpeg'))('recording Enhanced RTMP', () => {
  it('a multitrack stream (H.264 + HEVC, AAC + Opus) from FFmpeg 8.1 is recorded to an Enhanced FLV that FFmpeg 8.1 reads back with every track', async () => {
    const file = await modernMedia({ video: ['h264', 'hevc'], audio: ['aac', 'opus'] });
    const dir = mkdtempSync(join(tmpdir(), 'reference-enhanced-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const server = await startReferenceServer({ port: 0, recordDir: dir });
    defer(() => server.close());
    await publishWithFfmpeg8(file, `${server.url}/live/multi`, { realtime: false });
    await server.waitForUnpublish('multi');
    await waitFor(() => server.recordings().length > 0);

    const source = await demuxWithFfmpeg8(file);
    const recorded = await demuxWithFfmpeg8(server.recordings()[0]!);
    expect(recorded.streams.map((s) => [s.type, s.codec])).toEqual(
      source.streams.map((s) => [s.type, s.codec]),
    );
    expect(recorded.streams.map((s) => s.extradata)).toEqual(source.streams.map((s) => s.extradata));
    expect(packetsPerStream(recorded)).toEqual(packetsPerStream(source));
  });
});

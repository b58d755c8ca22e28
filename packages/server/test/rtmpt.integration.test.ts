// RTMPT (rtmpt://: RTMP carried by HTTP POSTs) on RtmpServer's HTTP listener, against Debian's
// FFmpeg 5.1 publishing and playing, and our client; the tunnel's limits.
import { connect } from '@rtmp/client';
import {
  deferCleanups,
  ffmpegPublishArgs,
  packetHashes,
  peerAvailable,
  runProcess,
  sampleFlv,
  startProcess,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './start-server';

const defer = deferCleanups(afterEach);

/** An RtmpServer with an RTMPT listener on an ephemeral port; `rtmpt` is `rtmpt://127.0.0.1:PORT/live`. */
async function tunnelServer(options: Parameters<typeof startServer>[1] = {}) {
  const started = await startServer(defer, options);
  const http = await started.server.listenRtmpt({ port: 0 });
  return { ...started, http, rtmpt: `rtmpt://127.0.0.1:${http.port}/live` };
}

const post = (url: string, body: Uint8Array = Uint8Array.of(0)) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-fcs' } });

describe.skipIf(!peerAvailable('ffmpeg'))('RTMPT with FFmpeg 5.1', () => {
  it('ffmpeg publishes over rtmpt:// while ffmpeg plays over rtmpt://: the player’s video packets are the source’s', async () => {
    const flv = await sampleFlv({ seconds: 3 });
    const { server, rtmpt } = await tunnelServer();
    const out = `${flv}.rtmpt.flv`;
    const player = startProcess('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', `${rtmpt}/cam`, '-c', 'copy', '-f', 'flv', out]);
    defer(() => void player.stop());
    await waitFor(() => server.stats().some((s) => s.key === 'live/cam' && s.players === 1), 15_000);
    await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${rtmpt}/cam`));
    await player.exited;
    expect(await packetHashes(out, 'v')).toEqual(await packetHashes(flv, 'v'));
  });
});

// Scripted faults against FFmpeg 5.1, publishing and playing: what a widely used client does when
// the server misbehaves, asserted from its exit, its output and what reached the server.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deferCleanups,
  ffmpegCopyArgs,
  ffmpegPublishArgs,
  packetHashes,
  peerAvailable,
  readFlvTags,
  sampleFlv,
  startProcess,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { type ReferenceServer, startReferenceServer } from '../src/index';
import { startCliProcess } from './cli-process';

const defer = deferCleanups(afterEach);

async function serverWith(...faults: string[]): Promise<ReferenceServer> {
  const server = await startReferenceServer({ port: 0, faults });
  defer(() => server.close());
  return server;
}

/** ffmpeg publishing `flv` to `server`'s live/cam, at real time unless told otherwise. */
function publish(server: ReferenceServer, flv: string, realtime = true) {
  const ffmpeg = startProcess('ffmpeg', ffmpegPublishArgs(flv, `${server.url}/live/cam`, { realtime }));
  defer(() => ffmpeg.stop());
  return ffmpeg;
}

/** ffmpeg playing live/cam into an FLV file (copying packets), until the stream or ffmpeg ends. */
function play(server: ReferenceServer, out: string) {
  const ffmpeg = startProcess('ffmpeg', ffmpegCopyArgs(`${server.url}/live/cam`, out));
  defer(() => ffmpeg.stop());
  return ffmpeg;
}

/** Whether `part` is a run of consecutive entries of `whole`. */
const contiguousIn = (part: string[], whole: string[]) => {
  const start = whole.indexOf(part[0]!);
  return start >= 0 && part.every((hash, i) => whole[start + i] === hash);
};

const faultsOf = (server: ReferenceServer) =>
  server.report().connections.map((connection) => connection.faults);

describe.skipIf(!peerAvailable('ffmpeg'))('faults against FFmpeg 5.1', () => {
  it.each(['drop', 'rst'])(
    '%s@T: the publisher fails (non-zero exit) long before its file ends',
    async (kind) => {
      const server = await serverWith(`${kind}@500ms`);
      const ffmpeg = publish(server, await sampleFlv({ seconds: 30 }));
      expect(await ffmpeg.exited).not.toBe(0);
      expect(faultsOf(server)).toEqual([[`${kind}@500ms`]]);
      expect(server.streams()).toEqual([]);
    },
  );

  it('stall@T+D: the publisher waits out the stall; every tag of its file arrives', async () => {
    const server = await serverWith('stall@300ms+1500ms,role=publisher');
    const flv = await sampleFlv({ seconds: 3 });
    expect(await publish(server, flv).exited).toBe(0);
    await server.waitForUnpublish('cam');
    const sent = readFlvTags(flv).filter((tag) => tag.type !== 18).length;
    expect(server.messages('cam').media.filter((message) => message.typeId !== 18)).toHaveLength(sent);
    expect(faultsOf(server)).toEqual([['stall@300ms+1500ms']]);
  });

  it('chunk-size=N@T: a player reads on across the change; its packets are a contiguous run of the source', async () => {
    const server = await serverWith('chunk-size=200@500ms,role=player');
    const flv = await sampleFlv({ seconds: 6 });
    publish(server, flv);
    await server.waitForPublish('cam');
    const out = join(tmpdir(), `faults-chunk-${process.pid}.flv`);
    const player = play(server, out);
    await server.waitForUnpublish('cam', 20_000);
    await player.exited;
    const got = await packetHashes(out, 'v');
    expect(got.length).toBeGreaterThan(50);
    expect(contiguousIn(got, await packetHashes(flv, 'v'))).toBe(true);
    expect(faultsOf(server)[1]).toEqual(['chunk-size=200@500ms']);
  });

  it('reconnect@T: FFmpeg 5.1 does not know ReconnectRequest; it goes on publishing where it is', async () => {
    const server = await serverWith('reconnect@300ms');
    const flv = await sampleFlv({ seconds: 2 });
    expect(await publish(server, flv).exited).toBe(0);
    await server.waitForUnpublish('cam');
    expect(server.report().connections).toHaveLength(1);
    expect(faultsOf(server)).toEqual([['reconnect@300ms']]);
  });

  it.each([
    ['reject-connect=NetConnection.Connect.Rejected', 'publish'],
    ['reject-publish=NetStream.Publish.BadName', 'publish'],
    ['reject-play=NetStream.Play.StreamNotFound', 'play'],
  ] as const)('%s: ffmpeg %ss, fails with a non-zero exit, printing the refusal', async (fault, role) => {
    const server = await serverWith(fault);
    const ffmpeg =
      role === 'publish'
        ? publish(server, await sampleFlv({ seconds: 2 }), false)
        : play(server, join(tmpdir(), `faults-rejected-${process.pid}.flv`));
    expect(await ffmpeg.exited).not.toBe(0);
    expect(ffmpeg.stderr()).toMatch(/refused by the fault|Rejected|BadName|StreamNotFound/);
  });

  it('delay=MS: every answer 500 ms late; ffmpeg still publishes its whole file', async () => {
    const server = await serverWith('delay=500');
    const flv = await sampleFlv({ seconds: 1 });
    expect(await publish(server, flv, false).exited).toBe(0);
    await server.waitForUnpublish('cam');
    expect(server.messages('cam').media.filter((message) => message.typeId === 9)).toHaveLength(
      readFlvTags(flv).filter((tag) => tag.type === 9).length,
    );
  });

  it('eof@T: an ffmpeg player ends by itself on StreamEOF while the publisher goes on', async () => {
    const server = await serverWith('eof@1s,role=player');
    publish(server, await sampleFlv({ seconds: 30 }));
    await server.waitForPublish('cam');
    const player = play(server, join(tmpdir(), `faults-eof-${process.pid}.flv`));
    expect(await player.exited).toBe(0);
    expect(server.streams()[0]?.publishing).toBe(true);
  });

  it('ping@T and window=BYTES: ffmpeg answers pings and acknowledges a tiny window; nothing is reported', async () => {
    const server = await serverWith('ping@100ms', 'window=2000');
    const flv = await sampleFlv({ seconds: 3 });
    publish(server, flv);
    await server.waitForPublish('cam');
    const player = play(server, join(tmpdir(), `faults-ping-${process.pid}.flv`));
    await server.waitForUnpublish('cam', 20_000);
    await player.exited;
    await waitFor(() => server.report().connections.length === 2);
    const codes = server.report().connections.flatMap((connection) => connection.findings.map((f) => f.code));
    expect(codes).not.toContain('ping-unanswered');
    expect(codes).not.toContain('ack-window-ignored');
    expect(faultsOf(server)).toEqual([['ping@100ms'], ['ping@100ms']]);
  });

  it.each([
    [['--fault', 'explode@1s'], /fault "explode@1s": unknown kind "explode"/],
    [['--fail-on', 'sometimes'], /--fail-on must be error or warning/],
  ])('the CLI with %j exits 1 saying what is wrong', async (args, message) => {
    const cli = startCliProcess(args);
    defer(() => cli.stop());
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(message);
  });
});

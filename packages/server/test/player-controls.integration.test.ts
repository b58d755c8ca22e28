import { connect, type PlayerEvent, type RtmpPlayer, type RtmpPublisher } from '@rtmp/client';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedClient } from './hostile-client';
import { startServer } from './start-server';

// What a player asks of its live stream, honoured on the wire: pause, receiveAudio/receiveVideo,
// seek; and what a player that comes before the first keyframe gets.

const defer = deferCleanups(afterEach);

const avcConfig = Uint8Array.of(0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f);
const aacConfig = Uint8Array.of(0xaf, 0, 0x12, 0x10);
const video = (i: number) => Uint8Array.of(i % 10 === 0 ? 0x17 : 0x27, 1, 0, 0, 0, i);
const audio = (i: number) => Uint8Array.of(0xaf, 1, i);

/** A label per event: `V3 key`, `V4`, `A4`, `video config`, `audio config`, or the status code. */
const label = (event: PlayerEvent): string | undefined => {
  if (event.type === 'status') return event.info.code;
  if (event.type === 'data' || event.type === 'stream') return undefined;
  if (event.payload[1] === 0) return `${event.type} config`;
  const i = event.payload[event.payload.length - 1]!;
  return event.type === 'video' ? `V${i}${event.payload[0] === 0x17 ? ' key' : ''}` : `A${i}`;
};

/** A stream with a publisher and one player; `frame(i)` sends video i and audio i. */
async function stream() {
  const { server, url } = await startServer(defer);
  const connection = await connect(url);
  defer(() => connection.close());
  const publisher: RtmpPublisher = await connection.publish('cam');
  await publisher.writeVideo(0, avcConfig);
  await publisher.writeAudio(0, aacConfig);
  const viewer = await connect(url, { player: true });
  defer(() => viewer.close());
  const player: RtmpPlayer = await viewer.play('cam');
  const seen: string[] = [];
  void (async () => {
    for await (const event of player) {
      const name = label(event);
      if (name !== undefined) seen.push(name);
    }
  })();
  let barriers = 0;
  return {
    player,
    seen,
    /** Waits until the server has taken frames 0..`last` (the two configurations, then two messages a frame). */
    taken: (last: number) =>
      waitFor(() => server.stats().find((x) => x.key === 'live/cam')?.messages === 2 + 2 * (last + 1)),
    /** A round trip on the player's connection: the server has handled what the player sent before. */
    barrier: async () => {
      await viewer.publish(`barrier-${barriers++}`);
    },
    async frame(i: number) {
      await publisher.writeVideo(i * 40, video(i));
      await publisher.writeAudio(i * 40, audio(i));
    },
    /** The labels after the last one matching `from`. */
    since: (from: string) => seen.slice(seen.lastIndexOf(from) + 1),
    until: (what: string) => waitFor(() => seen.includes(what)),
  };
}

describe('player controls on a live stream', () => {
  it('pause stops media (Pause.Notify); unpause sends the configuration again and resumes video at the next keyframe (Unpause.Notify)', async () => {
    const s = await stream();
    await s.frame(0);
    await s.until('A0');
    s.player.pause();
    await s.until('NetStream.Pause.Notify');
    for (let i = 1; i <= 3; i++) await s.frame(i); // not for a paused player
    await s.taken(3);
    s.player.resume();
    await s.until('NetStream.Unpause.Notify');
    for (let i = 4; i <= 11; i++) await s.frame(i);
    await s.until('A11');
    // Nothing while paused; on resume the configuration, then frames from the keyframe at 10.
    expect(s.since('NetStream.Pause.Notify')).toEqual([
      'NetStream.Unpause.Notify',
      'video config',
      'audio config',
      'V10 key',
      'A10',
      'V11',
      'A11',
    ]);
  });

  it('receiveVideo false keeps audio only; true resumes video at the next keyframe; receiveAudio false/true', async () => {
    const s = await stream();
    await s.frame(0);
    await s.until('A0');
    s.player.receiveVideo(false);
    await s.barrier();
    await s.frame(1);
    await s.frame(2);
    await s.taken(2);
    s.player.receiveVideo(true);
    s.player.receiveAudio(false);
    await s.barrier();
    for (let i = 3; i <= 11; i++) await s.frame(i);
    await s.taken(11);
    s.player.receiveAudio(true);
    await s.barrier();
    await s.frame(12);
    await s.until('A12');
    expect(s.since('A0')).toEqual(['A1', 'A2', 'V10 key', 'V11', 'V12', 'A12']);
  });

  it('seek on a live stream: Seek.Notify and a restart at its latest keyframe (the configuration first)', async () => {
    const s = await stream();
    for (let i = 0; i <= 12; i++) await s.frame(i);
    await s.until('A12');
    s.player.seek(1000);
    await s.until('NetStream.Seek.Notify');
    await waitFor(() => s.since('NetStream.Seek.Notify').includes('A12'));
    expect(s.since('NetStream.Seek.Notify')).toEqual([
      'video config',
      'audio config',
      'V10 key',
      'A10',
      'V11',
      'A11',
      'V12',
      'A12',
    ]);
  });

  it('a player that comes before the first keyframe gets the configuration and audio, and video from the keyframe on, not inter frames', async () => {
    const s = await stream();
    for (let i = 1; i <= 11; i++) await s.frame(i);
    await s.until('A11');
    expect(
      s.seen.filter((name) => name !== 'NetStream.Play.Reset' && name !== 'NetStream.Play.Start'),
    ).toEqual([
      'video config',
      'audio config',
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `A${i}`),
      'V10 key',
      'A10',
      'V11',
      'A11',
    ]);
  });
});

describe('control storms', () => {
  it('a player that never reads and sends 1,000 seeks (a 200 kB GOP cached) and 1,000 pauses keeps its queue within its budget plus one GOP; another player is undisturbed', async () => {
    const budget = 1024 * 1024;
    const { server, url, port } = await startServer(defer, { maxPlayerQueueBytes: budget });
    const encoder = await connect(url);
    defer(() => encoder.close());
    const publisher = await encoder.publish('cam');
    await publisher.writeVideo(0, avcConfig);
    const big = new Uint8Array(200_000).fill(0x27);
    big[0] = 0x17;
    big[1] = 1;
    await publisher.writeVideo(0, big); // a 200 kB keyframe: the cached GOP
    for (let i = 1; i <= 4; i++) await publisher.writeVideo(i * 40, Uint8Array.of(0x27, 1, 0, 0, 0, i));
    await waitFor(() => server.stats()[0]?.messages === 6);

    const healthy = await connect(url, { player: true });
    defer(() => healthy.close());
    const healthySeen: number[] = [];
    void (async () => {
      for await (const event of await healthy.play('cam'))
        if (event.type === 'video') healthySeen.push(event.timestamp);
    })();

    // A player that never reads, and seeks 1,000 times.
    const stormer = await scriptedClient(port, url, 'cam', 'play');
    defer(() => stormer.socket.destroy());
    stormer.socket.pause();
    for (let i = 0; i < 1000; i++)
      stormer.socket.write(
        Buffer.concat(stormer.session.control(stormer.streamId, { kind: 'seek', milliseconds: i }).send),
      );
    for (let i = 0; i < 1000; i++)
      stormer.socket.write(
        Buffer.concat(
          stormer.session.control(stormer.streamId, { kind: 'pause', paused: i % 2 === 0, milliseconds: 0 })
            .send,
        ),
      );
    await waitFor(() => server.stats()[0]?.playerDetails.length === 2);
    // The last pause said "play" (i = 999 is odd): a new frame reaches the healthy player, and the
    // stormer's queue stays within its budget and one GOP.
    await publisher.writeVideo(200, Uint8Array.of(0x27, 1, 0, 0, 0, 5));
    await waitFor(() => healthySeen.includes(200));
    const queued = Math.max(...server.stats()[0]!.playerDetails.map((p) => p.queuedBytes));
    expect(queued).toBeLessThan(budget + 2 * 200_000);
  });
});

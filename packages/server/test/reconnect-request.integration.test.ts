import { connect, keepConnected, type RtmpPlayer, type RtmpPublisher } from '@rtmp/client';
import type { RtmpServer } from '@rtmp/server';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './start-server';

// Enhanced RTMP's ReconnectRequest: the server asks, keepConnected moves the streams to a new
// connection at a keyframe, and no frame is lost or repeated.

const defer = deferCleanups(afterEach);

const FRAMES = 90;
const KEYFRAME_EVERY = 10;
const avcConfig = Uint8Array.of(0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f, 0xff);
const aacConfig = Uint8Array.of(0xaf, 0, 0x12, 0x10);
const video = (i: number) =>
  Uint8Array.of(i % KEYFRAME_EVERY === 0 ? 0x17 : 0x27, 1, 0, 0, 0, i & 0xff, 0x65);
const audio = (i: number) => Uint8Array.of(0xaf, 1, i & 0xff, 0x21);

/**
 * Publishes FRAMES video frames (a keyframe every 10) and as many audio frames, 40 ms apart in
 * timestamps; after frame `askAt` it runs `ask` and waits for `moved` before going on, so the move
 * happens at the next keyframe whatever the machine's speed.
 */
async function publishFrames(publisher: RtmpPublisher, askAt: number, ask: () => Promise<void>) {
  await publisher.setMetadata({ width: 320, height: 240 });
  await publisher.writeVideo(0, avcConfig);
  await publisher.writeAudio(0, aacConfig);
  for (let i = 0; i < FRAMES; i++) {
    await publisher.writeVideo(i * 40, video(i));
    await publisher.writeAudio(i * 40 + 20, audio(i));
    if (i === askAt) await ask();
  }
  await publisher.close();
}

/** What a player yields: video as `timestamp` or `timestamp key`, audio as `a timestamp`, config as `config`. */
async function collect(player: RtmpPlayer): Promise<string[]> {
  const seen: string[] = [];
  for await (const event of player) {
    if (event.type === 'video')
      seen.push(
        event.payload[1] === 0
          ? 'video config'
          : `${event.timestamp}${event.payload[0] === 0x17 ? ' key' : ''}`,
      );
    if (event.type === 'audio') seen.push(event.payload[1] === 0 ? 'audio config' : `a ${event.timestamp}`);
  }
  return seen;
}

const allVideo = Array.from(
  { length: FRAMES },
  (_, i) => `${i * 40}${i % KEYFRAME_EVERY === 0 ? ' key' : ''}`,
);
const allAudio = Array.from({ length: FRAMES }, (_, i) => `a ${i * 40 + 20}`);
const videoOf = (seen: string[]) => seen.filter((s) => /^\d/.test(s));
const audioOf = (seen: string[]) => seen.filter((s) => s.startsWith('a '));

async function playerOn(url: string, defer: (cleanup: () => unknown) => void) {
  const connection = await connect(url);
  defer(() => connection.close());
  return connection.play('cam');
}

const publishing = (server: RtmpServer, connections: number) =>
  waitFor(
    () =>
      server.stats().some((s) => s.key === 'live/cam' && s.publishing) && server.connections >= connections,
  );

describe('ReconnectRequest', () => {
  it('moves a publisher under keepConnected to another server (tcUrl): a player there gets every frame from the keyframe on, none twice', async () => {
    const a = await startServer(defer);
    const b = await startServer(defer);
    const onA = collect(await playerOn(a.url, defer));
    const onB = collect(await playerOn(b.url, defer));
    const requests: string[] = [];
    await keepConnected(
      a.url,
      async (connection) => {
        const publisher = await connection.publish('cam');
        await publishFrames(publisher, 34, async () => {
          expect(a.server.requestReconnect({ tcUrl: b.url, description: 'moving' })).toBe(2);
          await publishing(b.server, 2); // its new connection publishes on B (beside B's player)
          await waitFor(() => publisher.moving); // and waits for the next keyframe to switch
        });
      },
      { onReconnect: (request) => requests.push(`${request.url} ${request.description}`) },
    );
    expect(requests).toEqual([`${b.url} moving`]);
    const [first, second] = [await onA, await onB];
    // A's player saw frames up to the switch, B's from the keyframe the publisher switched at on.
    const at = allVideo.indexOf(videoOf(second)[0]!);
    expect(at % KEYFRAME_EVERY).toBe(0);
    expect(at).toBeGreaterThan(34);
    expect(videoOf(first)).toEqual(allVideo.slice(0, at));
    expect(videoOf(second)).toEqual(allVideo.slice(at));
    expect(second.slice(0, 2).sort()).toEqual(['audio config', 'video config']);
    expect([...audioOf(first), ...audioOf(second)]).toEqual(allAudio);
  });

  it('drains a server for a redeploy: the publisher moves to a new connection to the same server; a player there notices nothing', async () => {
    const { server, url } = await startServer(defer);
    const player = await playerOn(url, defer);
    const seen = collect(player);
    await keepConnected(url, async (connection) => {
      const publisher = await connection.publish('cam');
      await publishFrames(publisher, 34, async () => {
        expect(server.requestReconnect({ filter: (c) => c.publishing.includes('live/cam') })).toBe(1);
        // Its successor is let in beside it: the stream's publisher is unchanged until it switches.
        await waitFor(() => server.connections === 3 && publisher.moving);
      });
    });
    const got = await seen;
    // One stream to the player, without a gap or a repeat (and without an unpublish, which would
    // have ended its iteration before the last frames).
    expect(videoOf(got)).toEqual(allVideo);
    expect(audioOf(got)).toEqual(allAudio);
  });

  it('a player under keepConnected follows too: every frame once, in order, across the move', async () => {
    const { server, url } = await startServer(defer);
    const connection = await connect(url);
    defer(() => connection.close());
    const publisher = await connection.publish('cam');
    let moved = 0;
    let following: RtmpPlayer | undefined;
    const playing = keepConnected(
      url,
      async (playerConnection) => {
        following = await playerConnection.play('cam');
        return collect(following);
      },
      { onReconnect: () => moved++ },
    );
    await waitFor(() => server.stats().some((s) => s.players === 1));
    await publishFrames(publisher, 34, async () => {
      expect(server.requestReconnect({ filter: (c) => c.playing.length > 0 })).toBe(1);
      // It plays on its new connection too, and waits there for a keyframe to switch.
      await waitFor(() => server.stats().some((s) => s.players === 2) && following?.moving === true);
    });
    const got = await playing;
    expect(moved).toBe(1);
    expect(videoOf(got)).toEqual(allVideo);
    expect(audioOf(got)).toEqual(allAudio);
  });

  it('G6: a plain connection hears the request with the URL resolved against its own; one that never moves keeps working', async () => {
    const { server, url } = await startServer(defer);
    const connection = await connect(`${url}?token=1`);
    defer(() => connection.close());
    server.requestReconnect({ tcUrl: '/other', description: 'relative' });
    const request = await connection.reconnectRequested;
    expect(request).toEqual({ url: url.replace(/\/live$/, '/other'), description: 'relative' });
    const publisher = await connection.publish('still-here');
    await publisher.writeVideo(0, avcConfig);
    await waitFor(() => server.stats().some((s) => s.key.endsWith('/still-here') && s.messages === 1));
  });
});

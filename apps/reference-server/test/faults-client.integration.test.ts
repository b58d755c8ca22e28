// Scripted faults against our own client: what it does when the server drops, stalls, re-chunks,
// asks it to reconnect, refuses, answers late, ends its play, pings, or shrinks the window.
import { connect as tcpConnect } from 'node:net';
import { ClientSession, connect, keepConnected, type RtmpPublisher } from '@rtmp/client';
import { deferCleanups, frameNumber, numberedFrame, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { type ReferenceServer, startReferenceServer } from '../src/index';

const defer = deferCleanups(afterEach);

async function serverWith(...faults: string[]): Promise<ReferenceServer> {
  const server = await startReferenceServer({ port: 0, faults });
  defer(() => server.close());
  return server;
}

/** Frame `index`: a keyframe every 10, `size` bytes. */
const frame = (index: number, size = 64) => numberedFrame(index, { size, keyframeEvery: 10 });
const indexOf = frameNumber;

/** Writes frames 20 ms apart (timestamps 40 ms apart) until `stop()`. */
function pump(publisher: RtmpPublisher, size = 64) {
  let stopped = false;
  let sent = 0;
  const running = (async () => {
    for (; !stopped; sent++) {
      await publisher.writeVideo(sent * 40, frame(sent, size));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    sent: () => sent,
    stop: async () => {
      stopped = true;
      await running.catch(() => {});
    },
  };
}

/** A publisher of `name` pumping frames of `size` bytes, and a second connection to play from. */
async function publishedWithPlayer(server: ReferenceServer, name: string, size: number) {
  const publishing = await connect(`${server.url}/live`);
  defer(() => publishing.close());
  const frames = pump(await publishing.publish(name), size);
  defer(() => frames.stop());
  const playing = await connect(`${server.url}/live`);
  defer(() => playing.close());
  return { publishing, playing };
}

const faultsOf = (server: ReferenceServer) =>
  server.report().connections.map((connection) => connection.faults);

describe('faults against @rtmp/client', () => {
  it('drop@T and rst@T: a publisher under keepConnected connects again and publishes again', async () => {
    for (const kind of ['drop', 'rst']) {
      const server = await serverWith(`${kind}@200ms,conn=1`);
      const attempts: number[] = [];
      const controller = new AbortController();
      const session = keepConnected(
        `${server.url}/live`,
        async (connection, attempt) => {
          attempts.push(attempt);
          const publisher = await connection.publish('cam');
          // A write on the cut connection fails (CLIENT_CONNECTION_CLOSED): keepConnected retries.
          for (let i = 0; ; i++) {
            await publisher.writeVideo(i * 40, frame(i));
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
        { minDelayMs: 10, signal: controller.signal },
      );
      await waitFor(() => attempts.length === 2);
      await server.waitForPublish('cam');
      controller.abort();
      await session.catch(() => {});
      expect(faultsOf(server)[0]).toEqual([`${kind}@200ms`]);
    }
  });

  it('stall@T+D: writes back up while the server does not read; every frame arrives after, in order', async () => {
    const server = await serverWith('stall@100ms+600ms');
    const connection = await connect(`${server.url}/live`);
    defer(() => connection.close());
    const publisher = await connection.publish('cam');
    const frames = pump(publisher, 20_000);
    await waitFor(() => faultsOf(server)[0]?.length === 1);
    await waitFor(() => frames.sent() >= 40); // 40 frames 20 ms apart: writing all through the stall
    await frames.stop();
    await waitFor(() => server.messages('cam').media.length === frames.sent());
    expect(server.messages('cam').media.map((message) => message.timestamp)).toEqual(
      Array.from({ length: frames.sent() }, (_, i) => i * 40),
    );
  });

  it('chunk-size=N@T: a player goes on reading whole frames across the change; below its minChunkSize (128) it fails with a protocol error that says so', async () => {
    const small = await serverWith('chunk-size=64@50ms,role=player');
    const refusing = await connect(`${small.url}/live`);
    defer(() => refusing.close());
    const player = await refusing.play('cam');
    await expect(
      (async () => {
        for await (const _ of player);
      })(),
    ).rejects.toMatchObject({
      code: 'CLIENT_PROTOCOL_ERROR',
      message: expect.stringContaining('minChunkSize 128'),
    });

    const server = await serverWith('chunk-size=200@150ms,role=player');
    const { playing } = await publishedWithPlayer(server, 'cam', 1000);
    const got: number[] = [];
    for await (const event of await playing.play('cam')) {
      if (event.type !== 'video') continue;
      expect(event.payload.length).toBe(1000);
      got.push(indexOf(event.payload));
      if (got.length === 30) break;
    }
    expect(got).toEqual(got.map((_, i) => got[0]! + i));
    expect(faultsOf(server)[1]).toEqual(['chunk-size=200@150ms']);
  });

  it('reconnect@T: a publisher under keepConnected follows the ReconnectRequest to a new connection; the stream goes on', async () => {
    const server = await serverWith('reconnect@200ms,conn=1');
    const followed: string[] = [];
    const controller = new AbortController();
    const session = keepConnected(
      `${server.url}/live`,
      async (connection) => {
        const frames = pump(await connection.publish('cam'));
        await new Promise((resolve) => controller.signal.addEventListener('abort', resolve));
        await frames.stop();
      },
      { enhancedRtmp: true, signal: controller.signal, onReconnect: (request) => followed.push(request.url) },
    );
    await waitFor(() => followed.length === 1 && server.report().connections.length === 2);
    await waitFor(() => server.streams()[0]?.publishing === true);
    controller.abort();
    await session.catch(() => {});
    expect(followed).toEqual([`${server.url}/live`]);
    expect(faultsOf(server)).toEqual([['reconnect@200ms'], []]);
  });

  it('reject-connect, reject-publish, reject-play: the calls fail with the code the fault names', async () => {
    const server = await serverWith(
      'reject-connect=NetConnection.Connect.Rejected,conn=1',
      'reject-publish=NetStream.Publish.BadName',
      'reject-play=NetStream.Play.StreamNotFound',
    );
    await expect(connect(`${server.url}/live`)).rejects.toMatchObject({ code: 'CLIENT_CONNECT_REJECTED' });
    const connection = await connect(`${server.url}/live`);
    defer(() => connection.close());
    await expect(connection.publish('cam')).rejects.toMatchObject({
      code: 'CLIENT_PUBLISH_REJECTED',
      message: expect.stringContaining('NetStream.Publish.BadName'),
    });
    await expect(connection.play('cam')).rejects.toMatchObject({
      code: 'CLIENT_PLAY_FAILED',
      message: expect.stringContaining('NetStream.Play.StreamNotFound'),
    });
  });

  it('delay=MS: a client whose connect deadline is shorter times out; one with the default gets through', async () => {
    const server = await serverWith('delay=400');
    await expect(connect(`${server.url}/live`, { timeoutMs: 150 })).rejects.toMatchObject({
      code: 'CLIENT_TIMEOUT',
    });
    const connection = await connect(`${server.url}/live`);
    defer(() => connection.close());
    const publisher = await connection.publish('cam');
    await publisher.writeVideo(0, frame(0));
    await server.waitForPublish('cam');
  });

  it('eof@T,stream=NAME: a player of that stream gets StreamEOF and its play ends; the publisher, and a player of another stream, go on', async () => {
    const server = await serverWith('eof@200ms,role=player,stream=cam');
    const publishing = await connect(`${server.url}/live`);
    defer(() => publishing.close());
    const frames = pump(await publishing.publish('cam'));
    defer(() => frames.stop());
    const others = pump(await publishing.publish('other'));
    defer(() => others.stop());
    const watching = await connect(`${server.url}/live`);
    defer(() => watching.close());
    let otherFrames = 0;
    const other = (async () => {
      for await (const event of await watching.play('other')) if (event.type === 'video') otherFrames++;
    })().catch(() => {});
    const playing = await connect(`${server.url}/live`);
    defer(() => playing.close());
    const states: string[] = [];
    for await (const event of await playing.play('cam'))
      if (event.type === 'stream') states.push(event.state);
    expect(states.at(-1)).toBe('eof');
    // The other stream's player is still getting frames after cam's player was ended.
    const seen = otherFrames;
    await waitFor(() => otherFrames > seen + 5);
    expect(server.streams().every((stream) => stream.publishing)).toBe(true);
    expect(server.report().connections.map((connection) => connection.faults)).toEqual([
      [],
      [],
      ['eof@200ms'],
    ]);
    await watching.close();
    await other;
  });

  it('ping@T and window=BYTES: our clients answer pings and acknowledge a small window; a player that stops writing is reported for both', async () => {
    // Our client raises windows below 4096 bytes to 4096 (no ack storms): a window=1000 fault
    // reports it, rightly. At 5000 it acknowledges as asked.
    const server = await serverWith('ping@30ms', 'window=5000');
    const { playing } = await publishedWithPlayer(server, 'cam', 2000);
    const player = await playing.play('cam');
    const reading = (async () => {
      for await (const _ of player);
    })().catch(() => {});

    // A player that stops writing once it plays: it never answers a ping nor acknowledges.
    const socket = tcpConnect({ host: '127.0.0.1', port: server.port });
    defer(() => socket.destroy());
    const session = new ClientSession({ url: `${server.url}/live` });
    let silent = false;
    socket.on('data', (bytes: Buffer) => {
      const out = session.receive(bytes);
      if (!silent) for (const piece of out.send) socket.write(piece);
      for (const event of out.events) {
        if (event.type === 'connected') for (const piece of session.createStream().send) socket.write(piece);
        if (event.type === 'stream-created')
          for (const piece of session.play(event.streamId, 'cam').send) socket.write(piece);
        if (event.type === 'play-started') silent = true;
      }
    });
    socket.on('connect', () => {
      for (const piece of session.start({ player: true }).send) socket.write(piece);
    });
    // The window finding waits for what was sent 2 s ago: by then the answering player had as long.
    await waitFor(() => (server.report().connections[2]?.findings.length ?? 0) >= 2, 10_000);
    const [publisher, answering, quiet] = server.report().connections;
    const codes = (connection: typeof publisher) => connection!.findings.map((finding) => finding.code);
    expect(codes(quiet)).toEqual(expect.arrayContaining(['ping-unanswered', 'ack-window-ignored']));
    expect(codes(answering)).not.toContain('ping-unanswered');
    expect(codes(answering)).not.toContain('ack-window-ignored');
    expect(codes(publisher)).not.toContain('ping-unanswered');
    expect(answering!.faults).toEqual(['ping@30ms']);
    await playing.close();
    await reading;
  });
});

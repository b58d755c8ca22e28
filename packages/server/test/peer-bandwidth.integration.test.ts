import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ChunkEncoder, encodeSetPeerBandwidth, PeerBandwidthLimit } from '@rtmp/chunk';
import { connect, type PlayerEvent } from '@rtmp/client';
import { diagnostics } from '@rtmp/server';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedClient } from './hostile-client';
import { startServer } from './start-server';

// Set Peer Bandwidth from a player: what the server sends it stays within the window against its
// acknowledgements; one that never acknowledges is closed; peers that set none are not held back.

const defer = deferCleanups(afterEach);
const WINDOW = 30_000;
const FRAME = 5000;
const frame = (i: number) => {
  const body = new Uint8Array(FRAME).fill(i & 0xff);
  body[0] = i % 10 === 0 ? 0x17 : 0x27;
  body[1] = 1;
  return body;
};

/** A player on a raw connection that sets Set Peer Bandwidth (hard) once playing; `acknowledges`: whether its session goes on answering. */
async function limitedPlayer(port: number, url: string, acknowledges: boolean) {
  const player = await scriptedClient(port, url, 'cam', 'play');
  defer(() => player.socket.destroy());
  const atLimit = player.socket.bytesRead;
  if (!acknowledges) player.socket.removeAllListeners('data'); // reads on, never acknowledges
  player.socket.on('data', () => {});
  // On a chunk stream of its own: the session's control chunks (acknowledgements) keep their headers.
  player.socket.write(
    Buffer.concat(new ChunkEncoder().encode(encodeSetPeerBandwidth(WINDOW, PeerBandwidthLimit.Hard), 9)),
  );
  return { ...player, atLimit };
}

describe('Set Peer Bandwidth from a player', () => {
  it('a player that limits what it receives and never acknowledges gets at most its window, then is closed; another player gets everything', async () => {
    const errors: unknown[] = [];
    const listener = (message: unknown) => errors.push((message as { error: unknown }).error);
    subscribe(diagnostics.error.name, listener);
    defer(() => unsubscribe(diagnostics.error.name, listener));
    const { url, port } = await startServer(defer, { peerAcknowledgementTimeoutMs: 200 });
    const healthy = await connect(url, { player: true });
    defer(() => healthy.close());
    const healthyPlayer = await healthy.play('cam');
    let healthyFrames = 0;
    void (async () => {
      for await (const event of healthyPlayer as AsyncIterable<PlayerEvent>)
        if (event.type === 'video') healthyFrames++;
    })();
    const limited = await limitedPlayer(port, url, false);
    const encoder = await connect(url);
    defer(() => encoder.close());
    const publisher = await encoder.publish('cam');
    let sent = 0;
    // Frames until the limited player is closed (it cannot stay open: it never acknowledges).
    const closed = limited.closed.then(() => true);
    while (!(await Promise.race([closed, Promise.resolve(false)])) && sent < 2000) {
      await publisher.writeVideo(sent * 40, frame(sent));
      sent++;
      if (sent % 20 === 0) await waitFor(() => healthyFrames === sent);
    }
    await limited.closed;
    // Everything after the handshake that reached it: within its window, give or take one message.
    expect(limited.socket.bytesRead - 3073).toBeLessThan(WINDOW + FRAME + 100);
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['SERVER_PEER_UNACKNOWLEDGED']);
    await waitFor(() => healthyFrames === sent); // the healthy player got every frame
  });

  it('a player that limits what it receives and acknowledges (at the window the server asks for) keeps getting media, window after window', async () => {
    const { url, port } = await startServer(defer, { peerAcknowledgementTimeoutMs: 200 });
    const limited = await limitedPlayer(port, url, true);
    let received = 0;
    limited.socket.on('data', (bytes: Buffer) => {
      received += bytes.length;
    });
    const encoder = await connect(url);
    defer(() => encoder.close());
    const publisher = await encoder.publish('cam');
    // A live publisher goes on; frames that meet a full window are dropped, the next ones flow
    // once the acknowledgement is in (resuming at a keyframe). Five windows' worth only arrive
    // through acknowledgements.
    for (let i = 0; received < 5 * WINDOW && i < 20_000; i++) {
      await publisher.writeVideo(i * 40, frame(i));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(received).toBeGreaterThanOrEqual(5 * WINDOW);
    expect(limited.socket.destroyed).toBe(false);
  });
});

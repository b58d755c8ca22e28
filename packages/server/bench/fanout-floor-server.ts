// The floor for RTMP fan-out in Node: our ServerSession for the handshake, the commands and the
// publisher's chunk stream, each published message encoded once, then one socket.write per player
// per message. No join cache, no admission policy, no batching, no limits: what is left is the
// runtime's per-write cost, the part of fan-out no RTMP server written for Node can avoid.
// AUDIO_RIDES=1 (the benchmark's floor-riding): audio waits for the next video message and leaves
// with it, in one write per player: the fewest writes a server can make without holding video, as
// our default does (fanOutAudioHoldMs).
//   node --import tsx fanout-floor-server.ts <port>
import { createServer, type Socket } from 'node:net';
import { encodeMessage } from '@rtmp/messages';
import { ServerSession } from '../src/index';

interface Player {
  readonly socket: Socket;
  readonly session: ServerSession;
  readonly streamId: number;
}

const players = new Set<Player>();
const audioRides = process.env['AUDIO_RIDES'] === '1';
/** With AUDIO_RIDES: encoded audio waiting for the next video message. */
let heldAudio: Uint8Array[] = [];

const server = createServer((socket) => {
  socket.setNoDelay(true);
  const session = new ServerSession();
  const send = (pieces: readonly Uint8Array[]) => {
    for (const piece of pieces) socket.write(piece);
  };
  let player: Player | undefined;
  socket.on('data', (bytes) => {
    const output = session.receive(bytes);
    send(output.send);
    for (const event of output.events) {
      if (event.type === 'connect-request' || event.type === 'publish-request')
        send(session.accept(event.requestId).send);
      else if (event.type === 'play-request') {
        send(session.accept(event.requestId).send);
        player = { socket, session, streamId: event.streamId };
        players.add(player);
      } else if (event.type === 'media') {
        // Every player has the same stream id and chunk size here: one encoding for all.
        const first = players.values().next().value;
        if (first === undefined) continue;
        const bytes = first.session.encodeMedia({
          ...encodeMessage(event.message),
          streamId: first.streamId,
        });
        if (audioRides && event.message.type === 'audio') {
          heldAudio.push(bytes);
          continue;
        }
        const out = heldAudio.length === 0 ? bytes : Buffer.concat([...heldAudio, bytes]);
        heldAudio = [];
        for (const each of players) each.socket.write(out);
      }
    }
  });
  const leave = () => {
    if (player) players.delete(player);
    socket.destroy();
  };
  socket.on('error', leave);
  socket.on('close', leave);
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
process.once('SIGTERM', () => process.exit(0));

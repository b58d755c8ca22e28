// The floor for an RTMP ingest server in Node: the handshake and the publish commands (by our
// ServerSession), then every read discarded but counted, with an Acknowledgement every 1 MB (a
// publisher that is never acknowledged stops sending). What is left is the runtime's per-read cost.
// SESSION=1 (the ingest benchmark's `floor-session`): every read goes on through the ServerSession
// (chunk decoding into owned payloads, typed messages, acknowledgements) and each message is
// dropped: between the two, the cost of the protocol stack below the server. Neither is a strict
// lower bound: a server that does nothing per read reads each segment as it arrives, with more
// syscalls per MB than a busier one, so `floor` can cost more than `floor-session`.
//   node --import tsx floor-server.ts <port>
import { createServer } from 'node:net';
import { encodeAcknowledgement } from '@rtmp/chunk';
import { ServerSession } from '../src/index';

const ACKNOWLEDGE_EVERY = 1_000_000;
const throughSession = process.env['SESSION'] === '1';

const server = createServer((socket) => {
  const session = new ServerSession();
  let received = 0;
  let acknowledged = 0;
  const discard = (bytes: Buffer) => {
    received += bytes.length;
    if (received - acknowledged < ACKNOWLEDGE_EVERY) return;
    acknowledged = received;
    for (const piece of session.encoder.encode(encodeAcknowledgement(received >>> 0), 2)) socket.write(piece);
  };
  const handshaking = (bytes: Buffer) => {
    const output = session.receive(bytes);
    for (const piece of output.send) socket.write(piece);
    for (const event of output.events) {
      if (event.type === 'connect-request' || event.type === 'publish-request')
        for (const piece of session.accept(event.requestId).send) socket.write(piece);
      // Publishing: from here on, only reads.
      if (event.type === 'publish-request' && !throughSession) {
        socket.off('data', handshaking);
        socket.on('data', discard);
      }
    }
  };
  socket.on('data', handshaking);
  socket.on('error', () => socket.destroy());
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
process.once('SIGTERM', () => process.exit(0));

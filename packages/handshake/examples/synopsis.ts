import { ClientHandshake, ServerHandshake } from '@rtmp/handshake';

// Both roles in memory, no sockets: each side's output is the other's input.
const client = new ClientHandshake({ scheme: 'digest-8' }); // what FFmpeg sends; default 'simple'
const server = new ServerHandshake();

const c0c1 = client.start();
const serverReply = server.receive(c0c1); // S0+S1+S2, in one piece
const clientReply = client.receive(Buffer.concat(serverReply.send)); // C2; S2 verified

// The client writes `connect` right behind C2; the server hands those bytes over intact.
const connectChunk = Uint8Array.of(0x03, 0, 0, 0, 0, 0, 0x10, 0x14);
const done = server.receive(Buffer.concat([...clientReply.send, connectChunk]));

console.log(clientReply.status, client.scheme); // done digest-8
console.log(done.status, server.scheme); // done digest-8
if (done.status === 'done') console.log(Buffer.from(done.remaining).equals(connectChunk)); // true

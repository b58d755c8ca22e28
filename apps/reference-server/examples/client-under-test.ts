import { connect } from '@rtmp/client';
import { startReferenceServer } from '@rtmp/reference-server';

// What a test of your RTMP client looks like: start the server, let the client publish, then
// check what arrived. (@rtmp/client stands in for the client under test.)
const server = await startReferenceServer({ port: 0 });
const connection = await connect(`${server.url}/live`);
const publisher = await connection.publish('test');
await publisher.writeVideo(0, Uint8Array.of(0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f)); // AVC sequence header
await publisher.writeVideo(40, Uint8Array.of(0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65)); // a keyframe
await publisher.close();
await server.waitForUnpublish('test');

console.log(server.connects()[0]?.app, server.connects()[0]?.tcUrl === `${server.url}/live`);
console.log(server.messages('test').media.map((m) => [m.typeId, m.timestamp, m.size]));
await connection.close();
await server.close();

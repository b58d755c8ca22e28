// node-media-server's RTMP server alone (no HTTP, no store), as the fan-out benchmark's peer:
//   node nms-server.cjs <port>
const Context = require('node-media-server/src/core/context.js');
const logger = require('node-media-server/src/core/logger.js');
const NodeRtmpServer = require('node-media-server/src/server/rtmp_server.js');
const NodeHttpServer = require('node-media-server/src/server/http_server.js');

logger.level = process.env.NMS_LOG ?? 'error';
Context.config = { bind: '127.0.0.1', rtmp: { port: Number(process.argv[2]), gop_cache: true } };
// HTTP_PORT: its HTTP-FLV and WebSocket-FLV server too (the WebSocket-FLV benchmark's peer).
if (process.env.HTTP_PORT) {
  Context.config.http = { port: Number(process.env.HTTP_PORT) };
  Context.config.webadmin = { enable: false };
  new NodeHttpServer().run();
}
const server = new NodeRtmpServer();
server.run();
server.tcpServer.on('listening', () => console.log('listening'));

// Our RtmpServer alone, as the fan-out benchmark runs it: node --import tsx our-server.ts <port>
import { RtmpServer } from '../src/index';

const server = new RtmpServer({ host: '127.0.0.1', port: Number(process.argv[2]) });
await server.listen();
console.log('listening');

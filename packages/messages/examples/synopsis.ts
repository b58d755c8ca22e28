import { readFileSync } from 'node:fs';
import { ChunkDecoder, ChunkEncoder } from '@rtmp/chunk';
import {
  buildConnect,
  type CommandMessage,
  decodeMessage,
  encodeMessage,
  isKeyframe,
  parseConnect,
  parsePublish,
} from '@rtmp/messages';

// Parse what FFmpeg sent when it published (chunk stream captured after the handshake).
const captured = readFileSync(new URL('../test/vectors/ffmpeg-publish.c2s.bin', import.meta.url));
const messages = new ChunkDecoder().decode(captured).map((raw) => decodeMessage(raw));
const commands = messages.filter((m): m is CommandMessage => m.type === 'command');
console.log(commands.map((c) => c.name).join(' → '));
console.log(parseConnect(commands[0]!).flashVer, parsePublish(commands.find((c) => c.name === 'publish')!));
console.log(messages.filter((m) => m.type === 'video' && isKeyframe(m.payload)).length, 'keyframes');

// Build a connect and chunk it for the wire.
const connect = buildConnect({
  app: 'live',
  tcUrl: 'rtmp://localhost/live',
  flashVer: 'FMLE/3.0 (compatible; FMSc/1.0)',
});
const wire = new ChunkEncoder().encode(encodeMessage(connect), 3);
console.log(Buffer.concat(wire).subarray(0, 22).toString('hex'));

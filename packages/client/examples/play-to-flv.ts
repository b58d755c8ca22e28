import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { encodeAll } from '@rtmp/amf0';
import { connect, splitStreamUrl } from '@rtmp/client';

/** Plays rtmp://host/app/stream into an FLV file until the publisher leaves. Returns the tag count. */
export async function playToFlv(url: string, file: string, signal?: AbortSignal): Promise<number> {
  const { connectionUrl, streamName } = splitStreamUrl(url);
  const connection = await connect(connectionUrl, { player: true, ...(signal ? { signal } : {}) });
  const player = await connection.play(streamName, signal ? { signal } : {});
  const out = createWriteStream(file);
  out.write(Buffer.from('464c5601050000000900000000', 'hex')); // "FLV", v1, audio+video, PreviousTagSize0
  let tags = 0;
  for await (const event of player) {
    if (
      event.type === 'status' ||
      event.type === 'stream' ||
      (event.type === 'data' && event.name !== 'onMetaData')
    )
      continue;
    const body = event.type === 'data' ? encodeAll([event.name, ...event.values]) : event.payload;
    const header = Buffer.alloc(11);
    header[0] = event.type === 'audio' ? 8 : event.type === 'video' ? 9 : 18;
    header.writeUIntBE(body.length, 1, 3);
    header.writeUIntBE(event.timestamp & 0xffffff, 4, 3);
    header[7] = event.timestamp >>> 24;
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32BE(11 + body.length);
    out.write(Buffer.concat([header, body, trailer]));
    tags++;
  }
  out.end();
  await finished(out);
  await connection.close();
  return tags;
}

// node --import tsx examples/play-to-flv.ts rtmp://localhost/live/stream out.flv
if (process.argv[1] === import.meta.filename) {
  console.log(`${await playToFlv(process.argv[2]!, process.argv[3]!)} tags recorded`);
}

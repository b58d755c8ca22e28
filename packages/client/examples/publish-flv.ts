import { readFileSync } from 'node:fs';
import { encode } from '@rtmp/amf0';
import { connect, splitStreamUrl } from '@rtmp/client';

/** Publishes every tag of an FLV file, in real time, to rtmp://host/app/stream. Returns the tag count. */
export async function publishFlv(file: string, url: string): Promise<number> {
  const flv = readFileSync(file);
  const { connectionUrl, streamName } = splitStreamUrl(url);
  const connection = await connect(connectionUrl);
  const publisher = await connection.publish(streamName);
  const start = Date.now();
  let tags = 0;
  // After the FLV header: tags of u8 type, u24 size, u24 + u8 timestamp, u24 stream id, body, u32 size.
  for (let at = flv.readUInt32BE(5) + 4; at + 11 <= flv.length; at += 15 + flv.readUIntBE(at + 1, 3)) {
    const body = flv.subarray(at + 11, at + 11 + flv.readUIntBE(at + 1, 3));
    const timestamp = (flv.readUIntBE(at + 4, 3) | (flv[at + 7]! << 24)) >>> 0;
    await new Promise((resolve) => setTimeout(resolve, start + timestamp - Date.now()));
    // Each write resolves once the socket can take more: await it and nothing piles up.
    if (flv[at] === 8) await publisher.writeAudio(timestamp, body);
    else if (flv[at] === 9) await publisher.writeVideo(timestamp, body);
    else await publisher.writeData(timestamp, Buffer.concat([encode('@setDataFrame'), body]));
    tags++;
  }
  await publisher.close();
  await connection.close();
  return tags;
}

// node --import tsx examples/publish-flv.ts input.flv rtmp://localhost/live/stream
if (process.argv[1] === import.meta.filename) {
  console.log(`${await publishFlv(process.argv[2]!, process.argv[3]!)} tags published`);
}

import { connect, splitStreamUrl } from '@rtmp/client';

/**
 * Plays a recorded stream with controls: asks the server its length (`call`), then seeks to the
 * middle once video flows, pauses and resumes. Returns the length, what the server said on the
 * connection and on the stream (status codes, in order), and where video went on after the seek.
 */
export async function playWithControls(url: string) {
  const { connectionUrl, streamName } = splitStreamUrl(url);
  const connection = await connect(connectionUrl, { player: true });
  const said: string[] = [];
  connection.on('status', (info) => said.push(info.code)); // onStatus on the connection
  connection.on('bw-done', () => said.push('onBWDone'));
  // Servers that keep recordings answer getStreamLength (FMS, Wowza, @rtmp/server); nginx-rtmp
  // does not, so give up after a while and read the duration in onMetaData instead.
  let length = await connection
    .call('getStreamLength', [null, streamName], { signal: AbortSignal.timeout(1000) })
    .then(([, seconds]) => Number(seconds) * 1000)
    .catch(() => 0);
  const player = await connection.play(streamName);
  let seeking = false;
  let sought: number | undefined; // where video went on after the seek
  for await (const event of player) {
    if (event.type === 'data' && event.name === 'onMetaData' && length === 0)
      length = Number((event.values[0] as { duration?: number }).duration ?? 0) * 1000;
    if (event.type === 'status') said.push(event.info.code);
    if (event.type === 'status' && event.info.code === 'NetStream.Seek.Notify') player.pause();
    if (event.type === 'status' && event.info.code === 'NetStream.Pause.Notify') player.resume();
    if (event.type !== 'video') continue;
    if (!seeking && event.timestamp > 0) {
      seeking = true;
      player.seek(length / 2);
    } else if (said.includes('NetStream.Unpause.Notify') && event.timestamp >= length / 2 - 1000) {
      sought = event.timestamp; // the keyframe at or before the middle
      break; // leaving the loop closes the stream
    }
  }
  await connection.close();
  return { length, said, sought };
}

// node --import tsx examples/controls.ts rtmp://localhost/vod/file.flv
if (process.argv[1] === import.meta.filename) console.log(await playWithControls(process.argv[2]!));

// Players that record what they get as `kind timestamp md5` lines, and the window where several
// players' recordings should agree (each joined at a keyframe of its own).
import { createHash } from 'node:crypto';
import { connect } from '@rtmp/client';

/** Registers a cleanup (a test file's `deferCleanups(afterEach)`). */
type Defer = (cleanup: () => unknown) => void;

/**
 * Plays `app/name` at `appUrl` (resolves once the play is accepted): each audio and video message as `kind timestamp md5` (`keyframe` for
 * video keyframes), whether the stream ended (StreamEOF, or the connection went away), and
 * whether it ended with StreamEOF.
 */
export async function player(appUrl: string, name: string, defer: Defer) {
  const connection = await connect(appUrl);
  defer(() => connection.close());
  const packets: string[] = [];
  let ended = false;
  let eof = false;
  // Resolves once the play is accepted: what is published after that reaches this player.
  const stream = await connection.play(name);
  const playing = (async () => {
    try {
      for await (const event of stream) {
        if (event.type === 'audio' || event.type === 'video') {
          const { payload } = event;
          const kind =
            event.type === 'video' && payload[0]! >> 4 === 1 && payload[1] === 1 ? 'keyframe' : event.type;
          packets.push(`${kind} ${event.timestamp} ${createHash('md5').update(payload).digest('hex')}`);
        }
        if (event.type === 'stream' && event.state === 'eof') eof = ended = true;
      }
    } catch {
      // the connection went away: counted as the end
    }
    ended = true;
  })();
  return { packets, ended: () => ended, eof: () => eof, playing };
}

const time = (packet: string) => Number(packet.split(' ')[1]);

/**
 * Each recording cut to the window they all cover: from the latest first keyframe (audio before a
 * player's keyframe is not cached for it) to shortly before the earliest last packet.
 */
export function overlap(recordings: readonly string[][]): string[][] {
  const from = Math.max(
    ...recordings.map((packets) => time(packets.find((packet) => packet.startsWith('keyframe'))!)),
  );
  const to = Math.min(...recordings.map((packets) => Math.max(...packets.map(time)))) - 200;
  return recordings.map((packets) => packets.filter((packet) => time(packet) >= from && time(packet) <= to));
}

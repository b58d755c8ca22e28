import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkDecoder, type ReceivedMessage } from '@rtmp/chunk';

/** The raw messages of a captured session direction, e.g. `session('ffmpeg-publish.c2s')`. */
export function session(name: string): ReceivedMessage[] {
  return new ChunkDecoder().decode(
    new Uint8Array(readFileSync(join(import.meta.dirname, 'vectors', `${name}.bin`))),
  );
}

export { fromHex as hex, toHex } from '@rtmp/test-helpers';

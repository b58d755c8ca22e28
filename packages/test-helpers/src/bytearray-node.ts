import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** What the AMF benchmarks and cross-checks use of bytearray-node's `ByteArray`. */
export interface ByteArrayLike {
  objectEncoding: number;
  position: number;
  length: number;
  buffer: Buffer;
  readObject(): unknown;
  writeObject(value: unknown): void;
}

/**
 * bytearray-node's `ByteArray`. It loads lzma-native (a native addon) for its compress(), which
 * AMF never touches and which cannot be built offline, so that gets an inert stand-in first.
 */
export function loadByteArrayNode(): new (buffer?: Buffer) => ByteArrayLike {
  const require = createRequire(import.meta.url);
  const inside = createRequire(`${dirname(require.resolve('bytearray-node/package.json'))}/src/index.js`);
  require.cache[inside.resolve('lzma-native')] = {
    exports: { LZMA: () => undefined },
    loaded: true,
  } as unknown as NodeJS.Module;
  return require('bytearray-node') as new (
    buffer?: Buffer,
  ) => ByteArrayLike;
}

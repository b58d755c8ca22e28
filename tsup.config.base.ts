import type { Options } from 'tsup';

/**
 * The one build shape every package shares: ESM + CJS + .d.ts from `src/index.ts`,
 * nothing bundled from `dependencies`. A package's `tsup.config.ts` only says what differs.
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    tsconfig: 'tsconfig.build.json',
    treeshake: true,
    splitting: false,
    ...overrides,
  };
}

import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

export default defineConfig([
  // The in-process API, for other projects' tests: ESM + CJS + .d.ts like every package.
  packageBuild({ platform: 'node' }),
  // The CLI: one ESM file with its shebang.
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    platform: 'node',
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    clean: false,
  },
]);

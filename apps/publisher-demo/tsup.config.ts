import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli/publish.ts', 'src/cli/record.ts'],
  outDir: 'dist/cli',
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  clean: true,
  sourcemap: true,
});

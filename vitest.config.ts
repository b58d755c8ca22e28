import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
    // Interop tests start real peers (ffmpeg, nginx); two cores cannot run many at once.
    maxWorkers: 2,
  },
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { UserWorkspaceConfig } from 'vitest/config';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname);

/** `@rtmp/<name>` → `<packages|apps>/<dir>/src/index.ts`, so tests run against source without a build. */
function workspaceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(join(root, group))) {
      const manifest = join(root, group, dir, 'package.json');
      const entry = join(root, group, dir, 'src', 'index.ts');
      if (!existsSync(manifest) || !existsSync(entry)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      aliases[name] = entry;
    }
  }
  return aliases;
}

/** The settings every package's `vitest.config.ts` shares; `dir` is that package's folder. */
export function projectConfig(dir: string): UserWorkspaceConfig {
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name as string;
  return {
    resolve: { alias: workspaceAliases() },
    test: {
      name,
      root: dir,
      include: ['test/**/*.test.ts'],
      restoreMocks: true,
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
}

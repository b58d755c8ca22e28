import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const bundles = new Map<string, Promise<string>>();

/**
 * A benchmark's server script bundled into one plain JavaScript file, as a user's built app runs
 * it: under `--import tsx` the TypeScript loader's worker thread adds about 40 MB of RSS and its own
 * CPU to every figure. Built once per benchmark run.
 */
export function bundledScript(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (bundle === undefined) {
    const outfile = join(
      mkdtempSync(join(tmpdir(), 'rtmp-bench-')),
      basename(entry).replace(/\.ts$/, '.mjs'),
    );
    bundle = build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // ws loads these native speed-ups when present; the server never needs them.
      external: ['bufferutil', 'utf-8-validate'],
      // CommonJS dependencies inside an ES module bundle still call require().
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'warning',
    }).then(() => outfile);
    bundles.set(entry, bundle);
  }
  return bundle;
}

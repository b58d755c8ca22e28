#!/usr/bin/env node
// Size budgets of the published ESM builds, minified and gzipped the way a bundler would ship them.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { transformSync } from 'esbuild';

const BUDGETS = { 'packages/amf0/dist/index.js': 4096, 'packages/amf3/dist/index.js': 5120 };

let failed = false;
for (const [file, budget] of Object.entries(BUDGETS)) {
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    minify: true,
    format: 'esm',
    target: 'es2022',
  });
  const size = gzipSync(code, { level: 9 }).length;
  const ok = size <= budget;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${file}: ${size} B min+gz (budget ${budget} B)`);
}
process.exit(failed ? 1 : 0);

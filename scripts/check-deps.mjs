#!/usr/bin/env node
// Fails when a workspace package imports something its manifest does not list, imports a layer
// above it (the layering in ../shared/design.md), reaches into another package by a relative path,
// or uses `node:` modules in a sans-IO core.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/** Which workspace packages each package may import (design.md, "Layers"). */
const ALLOWED = {
  '@rtmp/amf0': [],
  '@rtmp/amf3': [],
  '@rtmp/handshake': [],
  '@rtmp/chunk': [],
  '@rtmp/flv': ['@rtmp/amf0'],
  '@rtmp/messages': ['@rtmp/amf0', '@rtmp/amf3', '@rtmp/chunk'],
  '@rtmp/client': ['@rtmp/amf0', '@rtmp/handshake', '@rtmp/chunk', '@rtmp/messages', '@rtmp/flv'],
  '@rtmp/server': [
    '@rtmp/amf0',
    '@rtmp/handshake',
    '@rtmp/chunk',
    '@rtmp/messages',
    '@rtmp/flv',
    '@rtmp/client',
  ],
  // Beside the server: a StreamRegistry implementation.
  '@rtmp/registry-redis': ['@rtmp/server'],
  // Test-only, never published; it may drive any layer and any peer.
  '@rtmp/test-helpers': [
    '@rtmp/amf0',
    '@rtmp/handshake',
    '@rtmp/chunk',
    '@rtmp/messages',
    '@rtmp/client',
    '@rtmp/server',
    '@rtmp/flv',
  ],
};
/** `node:` modules a sans-IO core may use anyway; client/server may use any under `src/node/`. */
const NODE_BUILTINS_ALLOWED = { '@rtmp/handshake': ['node:crypto'] };
const IO_PACKAGES = new Set(['@rtmp/client', '@rtmp/server', '@rtmp/flv', '@rtmp/registry-redis']);
const TEST_ONLY = new Set(['@rtmp/test-helpers']);

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/gm;

function* walk(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.(ts|mts|cts|js|mjs)$/.test(entry)) yield path;
  }
}

const problems = [];
const workspaceDirs = ['packages', 'apps'].flatMap((group) =>
  existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => join(root, group, d)) : [],
);

for (const dir of workspaceDirs) {
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const isApp = relative(root, dir).startsWith('apps');
  const deps = new Set(Object.keys(manifest.dependencies ?? {}));
  const devDeps = new Set([...deps, ...Object.keys(manifest.devDependencies ?? {})]);
  const allowed = isApp ? null : ALLOWED[manifest.name];
  if (!isApp && !allowed) problems.push(`${manifest.name}: not in the layer table of scripts/check-deps.mjs`);

  const scanned = ['src', 'test', 'bench', 'examples', 'fuzz'].flatMap((sub) => [...walk(join(dir, sub))]);
  for (const file of scanned) {
    const rel = relative(dir, file);
    const inSrc = rel.startsWith('src/');
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT_RE)) {
      const spec = match[1] ?? match[2] ?? match[3] ?? match[4];
      const where = `${relative(root, file)}: '${spec}'`;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(dir + '/')) problems.push(`${where} reaches outside its package`);
        continue;
      }
      if (spec.startsWith('node:')) {
        if (!inSrc || isApp || TEST_ONLY.has(manifest.name)) continue;
        const ok =
          (NODE_BUILTINS_ALLOWED[manifest.name] ?? []).includes(spec) ||
          (IO_PACKAGES.has(manifest.name) && rel.startsWith('src/node/'));
        if (!ok) problems.push(`${where}: a sans-IO core may not import node built-ins (use src/node/)`);
        continue;
      }
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (name === manifest.name) {
        // Tests, benchmarks and examples use the public name, as an outside user would.
        if (inSrc) problems.push(`${where}: a package imports itself by name; use a relative path`);
        continue;
      }
      if (name.startsWith('@rtmp/') && allowed && !allowed.includes(name) && (inSrc || !devDeps.has(name))) {
        problems.push(`${where}: ${manifest.name} may not import ${name} (layering, design.md)`);
      }
      const listed = inSrc ? deps : devDeps;
      if (!listed.has(name)) {
        // Test and bench files may use the root's shared dev tooling.
        const rootTooling = !inSrc && ['vitest', 'fast-check', '@fast-check/vitest', 'tsx'].includes(name);
        if (!rootTooling) problems.push(`${where}: ${name} is not listed in ${relative(root, manifestPath)}`);
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`check-deps: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-deps: ${workspaceDirs.length} workspace package(s) respect the layering`);

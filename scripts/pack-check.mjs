#!/usr/bin/env node
// What a user gets from `npm install`: every publishable package is packed with `pnpm pack`, the
// tarballs are checked (no test, fixture, benchmark or soak files; a size budget; internal
// dependencies as real ranges), installed with plain npm into a fresh project outside the
// workspace, and used there: imported from ESM and CommonJS, type-checked from TypeScript
// (node16 and bundler resolution), the reference server's and the publisher's CLIs run. Then
// `changeset version` runs on a copy of the repository and must give a consistent set.
//   pnpm pack-check [--keep]
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');
/** A tarball over this many bytes fails (packed size, gzip). */
const DEFAULT_TARBALL_BUDGET = 400 * 1024;
// The server is the largest library (session, hub, relays, HTTP-FLV, registries, conformance checks,
// each in ESM and CJS with source maps); the reference server adds its console and mpegts.js.
const TARBALL_BUDGETS = { '@rtmp/server': 480 * 1024, '@rtmp/reference-server': 600 * 1024 };
/** Files no tarball needs. */
const UNWANTED = [
  /(^|\/)(test|tests|__tests__|fixtures|bench|soak|capture|vectors)\//,
  /\.(test|spec|bench)\.[cm]?[jt]sx?(\.map)?$/,
  /(^|\/)(tsconfig[^/]*\.json|tsup\.config\.ts|vitest\.config\.ts|\.turbo\/.*)$/,
];
/** One call per package, from ESM and from CommonJS: it must work, not only import. */
const USES = {
  '@rtmp/amf0': (m) => `${m}.decode(${m}.encode('rtmp')) === 'rtmp'`,
  '@rtmp/amf3': (m) => `${m}.decode(${m}.encode('rtmp')) === 'rtmp'`,
  '@rtmp/chunk': (m) => `new ${m}.ChunkEncoder().setChunkSize(4096).length > 0`,
  '@rtmp/handshake': (m) => `new ${m}.ServerHandshake().done === false`,
  '@rtmp/messages': (m) => `${m}.readAacConfig(Uint8Array.of(0x12, 0x10)).sampleRate === 44100`,
  '@rtmp/flv': (m) => `${m}.encodeFlvHeader({ hasAudio: true, hasVideo: true }).length === 13`,
  '@rtmp/client': (m) => `${m}.splitStreamUrl('rtmp://h/app/key').streamName === 'key'`,
  '@rtmp/server': (m) => `${m}.FINDING_KINDS['timestamp-regression'].severity === 'error'`,
  '@rtmp/reference-server': (m) => `${m}.parseFault('drop@5s').kind === 'drop'`,
};

const run = (command, args, options = {}) =>
  execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
const failures = [];
const fail = (message) => {
  failures.push(message);
  console.error(`FAIL ${message}`);
};
const step = (text) => console.log(`== ${text}`);

/** Workspace packages that are published (not private), with their directories. */
function publishable() {
  const found = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const file = join(root, group, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (!manifest.private) found.push({ dir: join(root, group, name), manifest });
    }
  }
  return found;
}

const work = mkdtempSync(join(tmpdir(), 'rtmp-pack-check-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const packages = publishable();
const names = new Set(packages.map(({ manifest }) => manifest.name));
/** Packages with a library entry (a bin-only package, the publisher's CLIs, has nothing to import). */
const libraries = packages
  .filter(({ manifest }) => manifest.exports !== undefined)
  .map(({ manifest }) => manifest.name);

step(`pack ${packages.length} packages`);
const table = [];
for (const { dir, manifest } of packages) {
  const before = new Set(readdirSync(tarballs));
  run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir });
  const tarball = join(
    tarballs,
    readdirSync(tarballs).find((file) => !before.has(file)),
  );
  const files = run('tar', ['-tzf', tarball])
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));
  for (const file of files)
    if (UNWANTED.some((pattern) => pattern.test(file)))
      fail(`${manifest.name}: ${file} is not needed in the tarball`);
  const size = statSync(tarball).size;
  const budget = TARBALL_BUDGETS[manifest.name] ?? DEFAULT_TARBALL_BUDGET;
  if (size > budget) fail(`${manifest.name}: tarball ${size} B is over its budget of ${budget} B`);
  const packed = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dependency, range] of Object.entries(packed[field] ?? {})) {
      if (String(range).startsWith('workspace:'))
        fail(`${manifest.name}: ${field}.${dependency} is still ${range}`);
      if (names.has(dependency) && !/^\^\d+\.\d+\.\d+/.test(range))
        fail(`${manifest.name}: ${dependency} should be a caret range, is ${range}`);
    }
  }
  table.push({
    package: manifest.name,
    'tarball KB': (size / 1024).toFixed(1),
    files: files.length,
    budget: `${budget / 1024} KB`,
  });
}
console.table(table);

step('install the tarballs with npm into a fresh project');
const project = join(work, 'project');
mkdirSync(project);
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }),
);
const tgz = readdirSync(tarballs).map((file) => join(tarballs, file));
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tgz, '@types/node@20'], {
  cwd: project,
});

step('import from ESM and from CommonJS, and use one function of each');
const esm = libraries.map(
  (name, i) =>
    `import * as m${i} from '${name}';\nif (!(${USES[name]?.(`m${i}`) ?? 'true'})) throw new Error('${name} from ESM');`,
);
writeFileSync(join(project, 'esm.mjs'), `${esm.join('\n')}\nconsole.log('esm ok');\n`);
const cjs = libraries.map(
  (name, i) =>
    `const m${i} = require('${name}');\nif (!(${USES[name]?.(`m${i}`) ?? 'true'})) throw new Error('${name} from CommonJS');`,
);
writeFileSync(join(project, 'cjs.cjs'), `${cjs.join('\n')}\nconsole.log('cjs ok');\n`);
for (const file of ['esm.mjs', 'cjs.cjs']) {
  try {
    run('node', [file], { cwd: project });
  } catch (error) {
    fail(`${file}: ${error.stderr || error.message}`);
  }
}

step('type-check a TypeScript consumer (moduleResolution node16 and bundler)');
const consumer = libraries.map(
  (name, i) =>
    `import * as m${i} from '${name}';\nexport const use${i}: boolean = ${USES[name]?.(`m${i}`) ?? 'true'};`,
);
writeFileSync(join(project, 'consumer.mts'), `${consumer.join('\n')}\n`);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
for (const [module, resolution] of [
  ['node16', 'node16'],
  ['esnext', 'bundler'],
]) {
  try {
    run(
      'node',
      [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        'false',
        '--target',
        'es2022',
        '--module',
        module,
        '--moduleResolution',
        resolution,
        '--types',
        'node',
        'consumer.mts',
      ],
      { cwd: project },
    );
  } catch (error) {
    fail(`tsc (${resolution}): ${error.stdout || error.message}`);
  }
}

step('the CLIs: rtmp-reference-server --help, started; rtmp-publish --help, publishing to it');
const npx = (args, options = {}) => run('npx', ['--no-install', ...args], { cwd: project, ...options });
for (const bin of ['rtmp-reference-server', 'rtmp-publish']) {
  if (!packages.some(({ manifest }) => manifest.bin?.[bin])) continue;
  try {
    if (!/usage:/.test(npx([bin, '--help']))) fail(`${bin} --help shows no usage`);
  } catch (error) {
    fail(`${bin} --help: ${error.stderr || error.message}`);
  }
}
await (async () => {
  // The installed bin itself (not through npx, which would not pass SIGTERM on).
  const server = spawn(join(project, 'node_modules', '.bin', 'rtmp-reference-server'), ['--port', '0'], {
    cwd: project,
  });
  let out = '';
  server.stdout.on('data', (chunk) => (out += chunk));
  const listening = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 20_000);
    server.stdout.on('data', () => {
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve(JSON.parse(out.split('\n')[0]));
    });
  });
  if (listening?.event !== 'listening') {
    fail(`rtmp-reference-server did not print its listening line: ${out}`);
    server.kill('SIGKILL');
    return;
  }
  // Its first line starts Node with the server's recommended flags (`env -S`).
  const recommended = createRequire(join(project, 'package.json'))('@rtmp/server').RECOMMENDED_NODE_FLAGS;
  if (JSON.stringify(listening.nodeFlags) !== JSON.stringify(recommended))
    fail(
      `rtmp-reference-server started with Node flags ${JSON.stringify(listening.nodeFlags)}, not ${JSON.stringify(recommended)}`,
    );
  const sample = join(root, 'apps', 'publisher-demo', 'media', 'sample.flv');
  try {
    npx(['rtmp-publish', '--quiet', '--as-fast-as-possible', sample, `${listening.url}/live/pack-check`]);
  } catch (error) {
    fail(`rtmp-publish to the installed reference server: ${error.stderr || error.message}`);
  }
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  if ((await exited) !== 0) fail('rtmp-reference-server did not stop cleanly on SIGTERM');
  if (!/"event":"stopped"/.test(out)) fail('rtmp-reference-server printed no stopped line');
})();

step('changeset version on a copy: one consistent set of versions');
const copy = join(work, 'repo');
cpSync(root, copy, {
  recursive: true,
  filter: (source) =>
    !/(^|\/)(node_modules|dist|\.turbo|\.git|test-artifacts)(\/|$)/.test(relative(root, source)),
});
run(join(root, 'node_modules', '.bin', 'changeset'), ['version'], { cwd: copy });
const versions = new Map();
const manifests = [];
for (const group of ['packages', 'apps'])
  for (const name of readdirSync(join(copy, group))) {
    const file = join(copy, group, name, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    versions.set(manifest.name, manifest.version);
    manifests.push(manifest);
  }
for (const manifest of manifests) {
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
      if (!versions.has(dependency)) continue;
      if (range !== 'workspace:^' && range !== 'workspace:*' && range !== `^${versions.get(dependency)}`)
        fail(
          `after changeset version, ${manifest.name} wants ${dependency}@${range} but it is ${versions.get(dependency)}`,
        );
    }
  }
  if (!manifest.private && !/^\d+\.\d+\.\d+$/.test(manifest.version))
    fail(`${manifest.name} got version ${manifest.version}`);
}
if (readdirSync(join(copy, '.changeset')).some((file) => file.endsWith('.md') && file !== 'README.md'))
  fail('changeset version left changesets unconsumed');
console.log(
  `   versions: ${[...versions]
    .filter(([name]) => names.has(name))
    .map(([name, version]) => `${name}@${version}`)
    .join(', ')}`,
);

if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
if (failures.length > 0) {
  console.error(`pack-check: ${failures.length} problem(s)`);
  process.exit(1);
}
console.log('pack-check: every tarball installs, imports, type-checks and runs as a user gets it');

#!/usr/bin/env node
// Coverage-guided fuzzing (jsfuzz) of every decoder and of a whole ServerSession, each target for
// a bounded time, seeded from the committed corpora and captures. Fails on any crash: an exception
// other than the layer's typed error, a hang past --timeout, or memory past --rss-limit-mb.
//   pnpm fuzz [--seconds 30] [--executions 1000000] [--only chunk,flv]   (after pnpm build: targets load dist/)
// Each target stops at --seconds, or earlier once it has run --executions inputs.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    executions: { type: 'string' },
    only: { type: 'string' },
  },
});

/** Each target and where its seeds come from (committed corpora and the captures tests use). */
const TARGETS = [
  { name: 'amf0', pkg: 'packages/amf0', target: 'fuzz/amf0.fuzz.cjs', seeds: ['fuzz/corpus'] },
  { name: 'amf3', pkg: 'packages/amf3', target: 'fuzz/amf3.fuzz.cjs', seeds: ['fuzz/corpus'] },
  {
    name: 'handshake',
    pkg: 'packages/handshake',
    target: 'fuzz/handshake.fuzz.cjs',
    seeds: ['test/vectors'],
  },
  { name: 'chunk', pkg: 'packages/chunk', target: 'fuzz/chunk.fuzz.cjs', seeds: ['test/vectors'] },
  { name: 'messages', pkg: 'packages/messages', target: 'fuzz/messages.fuzz.cjs', seeds: ['fuzz/corpus'] },
  { name: 'flv', pkg: 'packages/flv', target: 'fuzz/flv.fuzz.cjs', seeds: ['fuzz/corpus'] },
  // Whole sessions after the handshake, captured from ffmpeg and rtmpdump (messages' vectors).
  {
    name: 'server-session',
    pkg: 'packages/server',
    target: 'fuzz/server-session.fuzz.cjs',
    seeds: ['../messages/test/vectors'],
  },
];

/** Seeds: every file in the seed directories but notes and sources. */
function seedFiles(pkg, dirs) {
  return dirs.flatMap((dir) => {
    const full = join(root, pkg, dir);
    if (!existsSync(full)) return [];
    return readdirSync(full)
      .map((name) => join(full, name))
      .filter((path) => statSync(path).isFile() && !/\.(md|ts)$/.test(path));
  });
}

function runTarget({ name, pkg, target, seeds }, seconds, executions) {
  const work = mkdtempSync(join(tmpdir(), `fuzz-${name}-`));
  const corpus = join(work, 'corpus');
  mkdirSync(corpus);
  for (const seed of seedFiles(pkg, seeds)) copyFileSync(seed, join(corpus, basename(seed)));
  const jsfuzz = join(root, 'node_modules', '.bin', 'jsfuzz');
  return new Promise((done) => {
    // Its own process group, so the worker jsfuzz forks is stopped with it.
    // jsfuzz resolves the target against its working directory, absolute or not.
    const child = spawn(
      jsfuzz,
      [relative(work, join(root, pkg, target)), corpus, '--timeout', '10', '--rss-limit-mb', '1024'],
      {
        cwd: work,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let timedOut = false;
    const stop = () => {
      if (timedOut) return;
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    };
    const timer = setTimeout(stop, seconds * 1000);
    const collect = (bytes) => {
      output += bytes;
      const count = /#(\d+) +\w+ +cov:[^\n]*\n?$/.exec(output.slice(-300));
      if (count && Number(count[1]) >= executions) stop();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const crashes = readdirSync(work).filter((file) => /^(crash|timeout|oom)-/.test(file));
      const last = [...output.matchAll(/#(\d+) +\w+ +cov: (\d+) corp: (\d+) exec\/s: (\d+)/g)].at(-1);
      const result = {
        target: name,
        executions: Number(last?.[1] ?? 0),
        coverage: Number(last?.[2] ?? 0),
        corpus: Number(last?.[3] ?? 0),
        'exec/s': Number(last?.[4] ?? 0),
        crashes: crashes.length + (!timedOut && code !== 0 && crashes.length === 0 ? 1 : 0),
      };
      if (result.crashes > 0) {
        console.error(`\n${name}: crashed. jsfuzz said:\n${output.split('\n').slice(-30).join('\n')}`);
        for (const file of crashes)
          console.error(`${file}: ${readFileSync(join(work, file)).toString('hex').slice(0, 400)}`);
      }
      rmSync(work, { recursive: true, force: true });
      done(result);
    });
  });
}

const seconds = Number(flags.seconds);
const results = [];
const executions = flags.executions ? Number(flags.executions) : Number.POSITIVE_INFINITY;
const only = flags.only?.split(',');
for (const target of TARGETS.filter((t) => !only || only.includes(t.name))) {
  const result = await runTarget(target, seconds, executions);
  console.log(JSON.stringify(result));
  results.push(result);
}
console.table(results);
if (results.some((result) => result.crashes > 0 || result.executions === 0)) {
  console.error('fuzz: a target crashed or never ran');
  process.exit(1);
}

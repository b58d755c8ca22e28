import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The first fenced TypeScript block under the README's "## Synopsis" heading (or another `heading`
 * of any level), and the example file it must equal, so the README can never drift from code that
 * the tests run.
 */
export function readmeSynopsis(
  packageDir: string,
  exampleFile = 'examples/synopsis.ts',
  heading = 'Synopsis',
) {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const section =
    readme.split(new RegExp(`^#+ ${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm'))[1] ?? '';
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const example = readFileSync(join(packageDir, exampleFile), 'utf8');
  return { block, example };
}

/** Whether the README shows `exampleFile` verbatim in a fenced TypeScript block. */
export function readmeShows(packageDir: string, exampleFile: string): boolean {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const example = readFileSync(join(packageDir, exampleFile), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].some((match) => match[1] === example);
}

/**
 * {@link readmeSynopsis}, then runs the example (`importExample`, e.g.
 * `() => import('../examples/synopsis')`) and records what it wrote with `console.log`: the
 * arguments of each call, in order.
 */
export async function runReadmeSynopsis(
  packageDir: string,
  importExample: () => Promise<unknown>,
  exampleFile?: string,
  heading?: string,
) {
  const { block, example } = readmeSynopsis(packageDir, exampleFile, heading);
  const logged: unknown[][] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void logged.push(args);
  try {
    await importExample();
  } finally {
    console.log = log;
  }
  return { block, example, logged };
}

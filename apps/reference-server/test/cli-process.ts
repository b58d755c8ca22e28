// The reference server's CLI as a child process, the way a CI job starts it (`--port 0` first).
import { join } from 'node:path';
import { type ManagedProcess, startProcess, waitFor } from '@rtmp/test-helpers';

/** The CLI's first stdout line. */
export interface ListeningLine {
  readonly event: string;
  readonly url: string;
  readonly stats: string;
  readonly http: string | null;
  readonly nodeFlags: readonly string[];
}

/** The CLI's source, whose first line is the shebang an installed CLI starts with. */
export const CLI_SOURCE = join(import.meta.dirname, '..', 'src', 'cli.ts');

/** Starts the CLI with `--port 0` and `args` (Node with `nodeFlags` too); the caller stops it. */
export function startCliProcess(args: readonly string[], nodeFlags: readonly string[] = []): ManagedProcess {
  return startProcess('node', [...nodeFlags, '--import', 'tsx', CLI_SOURCE, '--port', '0', ...args], {
    cwd: join(import.meta.dirname, '..'),
  });
}

/** Waits for the CLI's listening line (bounded) and reads it. */
export async function listeningLine(cli: ManagedProcess): Promise<ListeningLine> {
  // Bounded generously: under tsx, and with --workers several processes, start-up is slow on a busy CI machine.
  await waitFor(() => cli.stdout().includes('\n'), 30_000);
  return JSON.parse(cli.stdout().split('\n')[0]!) as ListeningLine;
}

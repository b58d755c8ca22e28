import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for';

/** True when `binary` is on PATH. */
export function hasBinary(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether an interop test can run. In CI a missing peer is a failure (CI installs them all);
 * elsewhere the test is skipped with a message naming the package to install.
 */
export function peerAvailable(binary: string, debianPackage = binary): boolean {
  if (hasBinary(binary)) return true;
  if (process.env['CI']) throw new Error(`${binary} is missing in CI: .ci/run must install ${debianPackage}`);
  console.warn(`skipping interop test: ${binary} not found (apt-get install ${debianPackage})`);
  return false;
}

/**
 * Whether an IPv6 test can run: `::1` can be bound. In CI it must be (a failure, like a missing
 * peer); elsewhere the test is skipped with a message. Use with `it.skipIf(!(await ipv6Available()))`.
 */
export async function ipv6Available(): Promise<boolean> {
  if (await canBindIpv6Loopback()) return true;
  if (process.env['CI']) throw new Error('::1 cannot be bound in CI: IPv6 tests need the IPv6 loopback');
  console.warn('skipping IPv6 tests: ::1 cannot be bound on this machine');
  return false;
}

/** Whether this machine can bind the IPv6 loopback address. */
export function canBindIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

/** An ephemeral loopback port that was free a moment ago (for peers that cannot bind port 0). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once something accepts TCP connections on `port`, polling within `timeoutMs`. */
export async function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 10_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A child process with its output collected, stopped by {@link ManagedProcess.stop}. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `command` with its output collected; it is killed when the test process exits. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): ManagedProcess {
  const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (error) => {
      err.push(Buffer.from(String(error)));
      live.delete(child);
      resolve('error');
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return {
    child,
    stdout: () => Buffer.concat(out).toString(),
    stderr: () => Buffer.concat(err).toString(),
    exited,
    async stop(graceMs = 2000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `command` to completion within `timeoutMs`, returning its output; rejects on a non-zero exit. */
export async function runProcess(
  command: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<{ stdout: string; stderr: string }> {
  const proc = startProcess(command, args);
  const timer = setTimeout(() => void proc.stop(), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${code}\n${proc.stderr().slice(-2000)}`);
  }
  return { stdout: proc.stdout(), stderr: proc.stderr() };
}

/** A running nginx with the rtmp module, on its own loopback port and prefix directory. */
export interface NginxRtmp {
  readonly port: number;
  readonly url: string;
  readonly prefix: string;
  /** nginx runs as one process (`master_process off`): this is it. */
  readonly pid: number;
  /**
   * Resolves once nginx has taken a `play` (or a `publish`) of `name`: it logs each at info level,
   * so a test can order a player before its publisher without sleeping.
   */
  waitFor(command: 'play' | 'publish', name: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts nginx (Debian `nginx` + `libnginx-mod-rtmp`) in the foreground with an `rtmp` block made
 * of `applications` (the body of `server { ... }` after `listen`). Default: one `live` app.
 */
export async function startNginxRtmp(
  applications = 'application live { live on; }',
  rtmpServerExtra = '',
  host = '127.0.0.1',
): Promise<NginxRtmp> {
  const prefix = mkdtempSync(join(tmpdir(), 'rtmp-nginx-'));
  const literal = host.includes(':') ? `[${host}]` : host;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort(host);
    const config = `
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log info;
events { worker_connections 1024; }
rtmp {
  server {
    listen ${literal}:${port};
    chunk_size 4096;
    ${rtmpServerExtra}
    ${applications}
  }
}
`;
    writeFileSync(join(prefix, 'nginx.conf'), config);
    const proc = startProcess('nginx', [
      '-p',
      prefix,
      '-c',
      join(prefix, 'nginx.conf'),
      '-e',
      join(prefix, 'error.log'),
    ]);
    try {
      await Promise.race([
        waitForPort(port, host),
        proc.exited.then((code) => {
          throw new Error(`nginx exited with ${code}: ${proc.stderr()}`);
        }),
      ]);
    } catch (error) {
      await proc.stop();
      if (attempt < 3) continue; // the port was taken between freePort() and nginx's bind
      rmSync(prefix, { recursive: true, force: true });
      throw error;
    }
    return {
      port,
      url: `rtmp://${literal}:${port}`,
      prefix,
      pid: proc.child.pid!,
      waitFor: (command, name, timeoutMs = 10_000) => {
        const line = `${command}: name='${name}'`;
        return waitFor(() => readFileSync(join(prefix, 'error.log'), 'utf8').includes(line), timeoutMs);
      },
      async stop() {
        await proc.stop();
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  }
}

/** A redis-server started for a test (loopback, ephemeral port, nothing saved to disk). */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  /** Stops it (SIGTERM); `start()` again brings it back on the same port, empty. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Starts Debian's `redis-server` on a free loopback port (retried if the port was taken meanwhile). */
export async function startRedis(): Promise<RedisServer> {
  let proc: ManagedProcess | undefined;
  let port = 0;
  const launch = async () => {
    proc = startProcess('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    const started = proc;
    await Promise.race([
      waitForPort(port),
      started.exited.then((code) => {
        throw new Error(`redis-server exited with ${code}: ${started.stdout()}${started.stderr()}`);
      }),
    ]);
  };
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      await proc?.stop();
      if (attempt >= 3) throw error; // else the port was taken between freePort() and the bind
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return proc!.child.pid!;
    },
    stop: () => proc!.stop(),
    start: launch,
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, existsSync, writeFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection } from 'node:net';

const live = new Set<ChildProcess>();
// Last resort when the parent exits without stopping its children (an uncaught error): they go too,
// except servers started to outlive it (`survivesParent`), which a later start adopts or stops.
process.once('exit', () => {
  for (const child of live) child.kill('SIGTERM');
});

/** A child process the stack started; `stop()` ends it and only it. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `command` with its output appended to `logFile`. The child writes to the file itself (no
 * pipe through this process), so it keeps running and logging when this process dies; a pipe would
 * break and take it down (the Temporal CLI exits on SIGPIPE).
 */
export function startProcess(options: {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Keep running when this process exits, even on an uncaught error (servers of the local stack). */
  survivesParent?: boolean;
}): ManagedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  writeSync(fd, `\n--- ${new Date().toISOString()} starting ${options.command} ${options.args.join(' ')}\n`);
  // Own process group: a Ctrl-C in the terminal reaches Candor, which then stops the stack in
  // order (roles first, servers last) instead of every process dying at once.
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid && !options.survivesParent) live.add(child);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      done = true;
      try {
        writeFileSync(options.logFile, `failed to start: ${error.message}\n`, { flag: 'a' });
      } catch {
        // the log folder is gone; the error is returned anyway
      }
      resolve(`error: ${error.message}`);
    });
  });
  return {
    name: options.name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    async stop(graceMs = 15_000) {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Whether `pid` runs: exists and is not a zombie waiting for a parent (not us) to reap it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
const alive = isAlive;

/**
 * Takes over a server an earlier run started and left running (it is not our child, so its end is
 * noticed by polling every `pollMs`). `stop()` ends it like one we started.
 */
export function adoptProcess(options: { name: string; pid: number; logFile: string; pollMs?: number }): ManagedProcess {
  const { pid } = options;
  let done = !alive(pid);
  const exited = new Promise<number | string>((resolve) => {
    if (done) return resolve('gone');
    const timer = setInterval(() => {
      if (alive(pid)) return;
      done = true;
      clearInterval(timer);
      resolve('gone');
    }, options.pollMs ?? 500);
    timer.unref();
  });
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    async stop(graceMs = 15_000) {
      if (done) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const deadline = Date.now() + graceMs;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
      done = true;
    },
  };
}

/** The last `lines` lines of a log file, for error messages. */
export function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Resolves true when something accepts TCP connections on host:port. */
export function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Throws a message naming the port and what wanted it when the port is taken. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  if (await isPortInUse(port)) {
    throw new StackError(
      `Port ${port} (${what}) is already in use by another program. Stop it, or choose another port (see README "Configuration").`,
    );
  }
}

/** A failure of the local stack with a message meant for a person. */
export class StackError extends Error {
  override name = 'StackError';
}

/**
 * Polls `probe` until it resolves true, the process dies, or `timeoutMs` passes.
 * The probe is a real request (gRPC, Kafka metadata); between attempts we back off briefly.
 */
export async function waitUntilReady(options: {
  what: string;
  probe: () => Promise<boolean>;
  process?: ManagedProcess;
  timeoutMs: number;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 100;
  let lastError = '';
  for (;;) {
    if (options.process?.hasExited()) {
      throw new StackError(
        `${options.what} exited during startup (exit ${String(await options.process.exited)}). Last lines of ${options.process.logFile}:\n${tail(options.process.logFile)}`,
      );
    }
    try {
      if (await options.probe()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new StackError(`${options.what} was not ready after ${options.timeoutMs} ms${lastError ? ` (${lastError})` : ''}.`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
}

/** Records the stack's pids so a later start can stop servers left behind by a killed run. */
export function writePidFile(file: string, processes: ManagedProcess[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const cmdline = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  };
  writeFileSync(file, JSON.stringify(processes.map((p) => ({ name: p.name, pid: p.pid, cmdline: cmdline(p.pid), logFile: p.logFile }))));
}

/** A process a pid file lists that is still alive and still ours (same command line as recorded). */
export interface Leftover {
  name: string;
  pid: number;
  logFile: string;
}

/** The processes of a pid file that still run as recorded; a stale pid reused by another program is not one. */
export function readLeftovers(file: string): Leftover[] {
  if (!existsSync(file)) return [];
  let entries: { name: string; pid: number; cmdline: string; logFile?: string }[] = [];
  try {
    entries = JSON.parse(readFileSync(file, 'utf8')) as typeof entries;
  } catch {
    return [];
  }
  return entries
    .filter(({ pid, cmdline: recorded }) => {
      try {
        return Boolean(recorded) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') === recorded;
      } catch {
        return false;
      }
    })
    .map(({ name, pid, logFile }) => ({ name, pid, logFile: logFile ?? '' }));
}

/** Stops every process of a pid file that is still alive and still ours, then removes the file. */
export async function reapLeftovers(file: string, log: (m: string) => void = () => undefined): Promise<void> {
  for (const leftover of readLeftovers(file)) {
    log(`Stopping ${leftover.name} (pid ${leftover.pid}) left running by an earlier run …`);
    await adoptProcess(leftover).stop(20_000);
  }
  rmSync(file, { force: true });
}

import { isAlive, StackError, type ManagedProcess } from '../stack';

/**
 * One process of the cluster (a PostgreSQL server, a Kafka node, the Temporal server, a Candor role):
 * `start()` starts it and resolves once it answers real requests, `kill()` is a crash (SIGKILL), `stop()`
 * a clean shutdown. Either may be followed by another `start()`.
 */
export interface ClusterNode {
  readonly name: string;
  readonly kind: 'postgres' | 'kafka' | 'temporal' | 'api' | 'ingest' | 'worker';
  /** Where it listens (its main port), for the summary. */
  readonly address: string;
  /** The running process, or undefined before the first start and after a stop or kill. */
  current(): ManagedProcess | undefined;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Waits until `pid` is gone (a process that is not our child, such as the postmaster under runuser). */
export async function untilGone(pid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new StackError(`process ${pid} did not exit within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A node around `launch` (which starts the process and waits until it is ready): remembers the process
 * so `kill()` and `stop()` reach it; `graceMs` bounds a clean stop before SIGKILL.
 */
export function processNode(options: {
  name: string;
  kind: ClusterNode['kind'];
  address: string;
  launch: () => Promise<ManagedProcess>;
  graceMs?: number;
  /** Called after the process is gone by kill or stop (a server's children, left behind by SIGKILL). */
  afterExit?: () => Promise<void>;
}): ClusterNode {
  let proc: ManagedProcess | undefined;
  const end = async (how: 'kill' | 'stop') => {
    const p = proc;
    proc = undefined;
    if (!p) return;
    if (how === 'kill') {
      if (!p.hasExited()) process.kill(p.pid, 'SIGKILL');
      await p.exited;
    } else {
      await p.stop(options.graceMs ?? 15_000);
    }
    await options.afterExit?.();
  };
  return {
    name: options.name,
    kind: options.kind,
    address: options.address,
    current: () => proc,
    async start() {
      if (proc && !proc.hasExited()) throw new StackError(`${options.name} is already running (pid ${proc.pid})`);
      proc = await options.launch();
    },
    kill: () => end('kill'),
    stop: () => end('stop'),
  };
}

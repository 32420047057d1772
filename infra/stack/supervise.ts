import type { ManagedProcess } from './process';

/** A server the local stack keeps running: started again with backoff whenever it dies unasked. */
export interface Supervised {
  readonly name: string;
  /** The process running now (a restart replaces it). */
  current(): ManagedProcess;
  /** How many times it was restarted. */
  restarts(): number;
  /** Stops supervising, then the process. */
  stop(): Promise<void>;
}

/** Restart delays: 1 s doubling to 30 s; back to 1 s once a process has stayed up for a minute. */
export const RESTART_BACKOFF = { initialMs: 1_000, maxMs: 30_000, healthyAfterMs: 60_000 } as const;

/**
 * Watches `first` and, when it exits without `stop()` having been called, starts a replacement with
 * `start` after a backoff (a start that fails is tried again after the next, longer, delay).
 * `onChange` hears of each new process, so the pid file can follow.
 */
export function supervise(options: {
  name: string;
  first: ManagedProcess;
  start: () => Promise<ManagedProcess>;
  stop: (proc: ManagedProcess) => Promise<void>;
  onChange: () => void;
  log?: (message: string) => void;
}): Supervised {
  let proc = options.first;
  let startedAt = Date.now();
  let stopping = false;
  let restarts = 0;
  let delay: number = RESTART_BACKOFF.initialMs;
  let timer: NodeJS.Timeout | undefined;
  let starting: Promise<unknown> | undefined;

  const restartLater = (why: string) => {
    if (stopping) return;
    if (Date.now() - startedAt >= RESTART_BACKOFF.healthyAfterMs) delay = RESTART_BACKOFF.initialMs;
    options.log?.(`${options.name} ${why}; starting it again in ${(delay / 1000).toFixed(0)} s (log: ${proc.logFile}).`);
    timer = setTimeout(() => {
      timer = undefined;
      if (stopping) return;
      starting = options.start().then(
        (next) => {
          starting = undefined;
          if (stopping) return options.stop(next);
          proc = next;
          startedAt = Date.now();
          restarts++;
          options.log?.(`${options.name} is running again (pid ${next.pid}).`);
          options.onChange();
          watch(next);
        },
        (error: unknown) => {
          starting = undefined;
          restartLater(`could not start (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
        },
      );
    }, delay);
    delay = Math.min(delay * 2, RESTART_BACKOFF.maxMs);
  };
  const watch = (p: ManagedProcess) => {
    void p.exited.then((code) => {
      if (!stopping && p === proc) restartLater(`(pid ${p.pid}) exited (${String(code)})`);
    });
  };
  watch(proc);

  return {
    name: options.name,
    current: () => proc,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await starting;
      await options.stop(proc);
    },
  };
}

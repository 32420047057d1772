/**
 * What the worker runs as workflow code: the bundle the SDK builds from `WORKFLOWS_PATH`, and the modules of it that
 * every journey shares.
 *
 * The worker runs all journeys in one reused V8 context, but evaluates each module of the workflow code once per
 * journey, unless the module is preloaded: then it is evaluated once per worker, before any journey, and every
 * journey uses that one copy (the SDK freezes its exported objects). Candor preloads all of its workflow code, so a
 * cached journey holds only its own state. What that asks of code under workflows/:
 * - module-level values are constants (lint rejects a module-level `let`), and a module-level `Map` or `Set` may
 *   only cache a pure function's results (the same answer whichever journey asks, as the time-zone offsets in
 *   workflows/engine/time-zone.ts), never anything of one journey;
 * - an object a module exports or keeps is frozen: copy it before changing it.
 */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/** Modules evaluated once per worker and shared by all its journeys: every module `WORKFLOWS_PATH` imports. */
export const SHARED_WORKFLOW_MODULES: readonly string[] = [WORKFLOWS_PATH];

/**
 * Node options for a process that may run the worker role: `--require` of workflow-thread-preload.cjs, which turns
 * off the SDK's per-promise stack traces in the workflow threads unless TEMPORAL_WORKFLOW_STACK_TRACES=on, and the SDK's
 * per-call timeout (a watchdog thread per call into workflow code) unless TEMPORAL_ISOLATE_TIMEOUT=on. Every
 * launcher of services/main.ts passes them (infra/bin/bootstrap.cjs and infra/Dockerfile spell them out).
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--require', require.resolve('./workflow-thread-preload.cjs')];

/**
 * Whether this process's workflow threads collect stack traces: 'off' or 'on' as the preload set them, or
 * 'on-without-preload' when the process was started without WORKER_NODE_ARGS (then the SDK always collects them).
 */
export function workflowStackTraces(): 'off' | 'on' | 'on-without-preload' {
  const set = (globalThis as Record<symbol, unknown>)[Symbol.for('candor.workflowStackTraces')];
  return set === 'off' || set === 'on' ? set : 'on-without-preload';
}

/**
 * Whether the SDK's per-call timeout guards this process's workflow code: 'off' or 'on' as the preload set it
 * (TEMPORAL_ISOLATE_TIMEOUT), or 'on-without-preload' when the process was started without WORKER_NODE_ARGS.
 */
export function isolateTimeout(): 'off' | 'on' | 'on-without-preload' {
  const set = (globalThis as Record<symbol, unknown>)[Symbol.for('candor.isolateTimeout')];
  return set === 'off' || set === 'on' ? set : 'on-without-preload';
}

/** What the worker's workflow threads say once they run workflow code without the SDK's per-call timeout. */
export interface WorkflowSandboxWatch {
  /** The SDK's timeout per call, once a workflow thread has dropped it (undefined before). */
  readonly timeoutMs: number | undefined;
  /** The longest a workflow thread has now been inside one call into workflow code, in whole seconds (0: none is). */
  longestCallSeconds(now?: number): number;
  close(): void;
}

/**
 * Listens for the preload's word from workflow threads (a BroadcastChannel): calls `dropped` once a thread has run
 * workflow code without the SDK's per-call timeout, and keeps the shared word in which each such thread marks when
 * its current call began, so that a call stuck for longer than that timeout can be seen from this thread.
 */
export function watchWorkflowSandbox(dropped: (timeoutMs: number) => void): WorkflowSandboxWatch {
  const threads: { busy: Int32Array; base: number }[] = [];
  let timeoutMs: number | undefined;
  const channel = new BroadcastChannel('candor:workflow-sandbox');
  channel.onmessage = (event) => {
    const data = (event as MessageEvent).data as { isolateTimeout?: unknown; timeoutMs?: unknown; busy?: unknown; base?: unknown } | undefined;
    if (data?.isolateTimeout !== 'dropped') return;
    if (data.busy instanceof Int32Array && typeof data.base === 'number') threads.push({ busy: data.busy, base: data.base });
    timeoutMs = typeof data.timeoutMs === 'number' ? data.timeoutMs : undefined;
    dropped(timeoutMs ?? NaN);
  };
  // Listening never keeps the process alive.
  (channel as unknown as { unref?: () => void }).unref?.();
  return {
    get timeoutMs() {
      return timeoutMs;
    },
    longestCallSeconds(now = Date.now()) {
      let longest = 0;
      for (const { busy, base } of threads) {
        const began = Atomics.load(busy, 0);
        if (began > 0) longest = Math.max(longest, Math.floor(now / 1000) - base - (began - 1));
      }
      return longest;
    },
    close: () => channel.close(),
  };
}

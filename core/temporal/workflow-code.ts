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
 * off the SDK's per-promise stack traces in the workflow threads unless TEMPORAL_WORKFLOW_STACK_TRACES=on. Every
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

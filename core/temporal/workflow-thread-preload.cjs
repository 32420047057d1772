// Loaded with `node --require` by every process that may run the worker role (WORKER_NODE_ARGS in
// core/temporal/workflow-code.ts; also infra/bin/bootstrap.cjs and infra/Dockerfile). Plain CommonJS with no
// dependencies, because it runs before tsx and in every thread of the process.
//
// What it does: it turns off the Temporal SDK's collection of workflow stack traces, unless
// TEMPORAL_WORKFLOW_STACK_TRACES=on.
//
// Why: in the thread that runs workflows, the SDK installs a V8 promise hook. The hook formats and keeps a stack trace
// for every promise a workflow creates, only so that the `__stack_trace` query (the Temporal UI's "Stack Trace" tab)
// can show where a workflow waits. Measured on Candor's journeys, that hook took 40% of the workflow thread's busy time
// while evicted journeys woke (a replay creates every promise of the journey's past again) and about 22 KiB of each
// cached journey's heap (README, "Workflow stack traces" and "Performance").
//
// How: the SDK already runs without the hook where V8's promise hooks are missing (its `setPromiseHook` catches the
// error and disables stack traces). In worker threads only, `v8.promiseHooks.createHook` throws when the SDK's
// workflow sandbox (`@temporalio/worker/lib/workflow/vm-shared.js`) calls it, and behaves as before for every other
// caller (Node's own AsyncLocalStorage uses it). If a later SDK moves that call, nothing throws and stack traces stay
// on: test/e2e/worker-role-process.test.ts fails then.
'use strict';
const { isMainThread } = require('node:worker_threads');

// core/config validates the variable (on | off) and stops a process that has anything else.
const off = process.env.TEMPORAL_WORKFLOW_STACK_TRACES !== 'on';
// The worker role reads this to log what its workflow threads do (services/worker/index.ts).
globalThis[Symbol.for('candor.workflowStackTraces')] = off ? 'off' : 'on';

if (off && !isMainThread) {
  const v8 = require('node:v8');
  const createHook = v8.promiseHooks.createHook;
  const sdkSandbox = /[\\/]@temporalio[\\/]worker[\\/]lib[\\/]workflow[\\/]vm-shared\.js$/;
  // The callers' file names as V8 has them (not as a source map or the SDK's own Error.prepareStackTrace prints them).
  const calledFromSdkSandbox = () => {
    const prepare = Error.prepareStackTrace;
    try {
      Error.prepareStackTrace = (_error, callSites) => callSites;
      const holder = {};
      Error.captureStackTrace(holder, candorCreateHook);
      const callSites = holder.stack;
      return Array.isArray(callSites) && callSites.some((site) => sdkSandbox.test(site.getFileName() ?? ''));
    } finally {
      Error.prepareStackTrace = prepare;
    }
  };
  function candorCreateHook(hooks) {
    if (calledFromSdkSandbox()) throw new Error('workflow stack traces are off (TEMPORAL_WORKFLOW_STACK_TRACES=on turns them on)');
    return createHook.call(this, hooks);
  }
  v8.promiseHooks.createHook = candorCreateHook;
  // The SDK then prints that promise hooks are "not available"; the worker logs what is true instead
  // ("worker polling", workflowStackTraces: off), so that one line is not printed.
  const sdkNotice = 'v8.promiseHooks.createHook is not available; stack trace collection will be disabled.';
  const warn = console.warn;
  console.warn = function candorWarn(...args) {
    if (args.length === 1 && args[0] === sdkNotice) return;
    warn.apply(this, args);
  };
}

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

/**
 * Whether a file matching `file` is among the callers of `fn` (which is running now), by the file names as V8 has them
 * (not as a source map or the SDK's own Error.prepareStackTrace prints them).
 */
function calledFrom(file, fn) {
  const prepare = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder = {};
    Error.captureStackTrace(holder, fn);
    const callSites = holder.stack;
    return Array.isArray(callSites) && callSites.some((site) => file.test(site.getFileName() ?? ''));
  } finally {
    Error.prepareStackTrace = prepare;
  }
}

// core/config validates the variable (on | off) and stops a process that has anything else.
const off = process.env.TEMPORAL_WORKFLOW_STACK_TRACES !== 'on';
// The worker role reads this to log what its workflow threads do (services/worker/index.ts).
globalThis[Symbol.for('candor.workflowStackTraces')] = off ? 'off' : 'on';

if (off && !isMainThread) {
  const v8 = require('node:v8');
  const createHook = v8.promiseHooks.createHook;
  const sdkSandbox = /[\\/]@temporalio[\\/]worker[\\/]lib[\\/]workflow[\\/]vm-shared\.js$/;
  function candorCreateHook(hooks) {
    if (calledFrom(sdkSandbox, candorCreateHook)) throw new Error('workflow stack traces are off (TEMPORAL_WORKFLOW_STACK_TRACES=on turns them on)');
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

// What else it does: unless TEMPORAL_ISOLATE_TIMEOUT=on, the SDK's workflow sandbox calls into workflow code without
// a per-call timeout (README, "Workflow code without a watchdog thread per call").
//
// Why: the SDK passes `timeout` (its isolateExecutionTimeout, 5 s) to every `vm.Script#runInContext` call it makes
// into the workflow context, several per workflow activation. Node implements that timeout by starting and joining a
// watchdog thread for each call: about 90 µs of CPU per call against 2 µs without it on the machine Candor is
// measured on, which was half the busy time of the worker's workflow thread.
//
// How: in worker threads only, `runInContext` drops the `timeout` option when the script is run by the SDK's
// reusable sandbox (`@temporalio/worker/lib/workflow/reusable-vm.js`; checked once per script), and every other caller
// gets what it asked for. The first time it does, it says so on the BroadcastChannel `candor:workflow-sandbox`, and
// the worker role logs it (services/worker/index.ts), along with a shared word in which the thread marks when its
// current call began: a call that runs longer than the SDK's timeout would have let it (workflow code stuck in a
// loop) makes the worker's health check fail, where the SDK would have failed that workflow task. If a later SDK
// moves those calls, nothing is dropped, nothing is said, and test/e2e/worker-role-process.test.ts fails.
const isolateTimeout = process.env.TEMPORAL_ISOLATE_TIMEOUT === 'on';
globalThis[Symbol.for('candor.isolateTimeout')] = isolateTimeout ? 'on' : 'off';
if (!isolateTimeout && !isMainThread) {
  const vm = require('node:vm');
  const runInContext = vm.Script.prototype.runInContext;
  const sdkReusableVm = /[\\/]@temporalio[\\/]worker[\\/]lib[\\/]workflow[\\/]reusable-vm\.js$/;
  const runBySdk = new WeakMap();
  let announced = false;
  // While the SDK's sandbox is inside a call, busy[0] holds the second it began (seconds since `base`, plus 1); 0
  // between calls. The worker role reads it from the main thread: a call that runs past the SDK's timeout makes the
  // worker unhealthy instead of being cut short (services/worker/index.ts).
  const base = Math.floor(Date.now() / 1000);
  const busy = new Int32Array(new SharedArrayBuffer(4));
  function candorRunInContext(context, options) {
    if (options && options.timeout !== undefined) {
      let sdk = runBySdk.get(this);
      if (sdk === undefined) runBySdk.set(this, (sdk = calledFrom(sdkReusableVm, candorRunInContext)));
      if (sdk) {
        if (!announced) {
          announced = true;
          const channel = new BroadcastChannel('candor:workflow-sandbox');
          channel.postMessage({ isolateTimeout: 'dropped', timeoutMs: options.timeout, busy, base });
          channel.close();
        }
        const { timeout: _timeout, ...rest } = options;
        Atomics.store(busy, 0, Math.floor(Date.now() / 1000) - base + 1);
        try {
          return runInContext.call(this, context, rest);
        } finally {
          Atomics.store(busy, 0, 0);
        }
      }
    }
    return runInContext.call(this, context, options);
  }
  vm.Script.prototype.runInContext = candorRunInContext;
}

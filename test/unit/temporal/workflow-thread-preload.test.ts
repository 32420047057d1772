import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// The preload's second job (core/temporal/workflow-thread-preload.cjs): calls that the SDK's reusable sandbox makes into
// workflow code run without their per-call timeout, and the thread marks when its current call began, so that the worker
// can tell a stuck call from the main thread. Here a stand-in for the SDK's sandbox file (same path under node_modules)
// runs a 2.5 s loop with the timeout the SDK would pass; test/e2e/worker-role-process.test.ts checks the real SDK.
const root = path.resolve(__dirname, '../../..');
const preload = path.join(root, 'core/temporal/workflow-thread-preload.cjs');

describe('the workflow-thread preload and the SDK sandbox timeout', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'candor-preload-'));
    const sandbox = path.join(dir, 'node_modules/@temporalio/worker/lib/workflow');
    mkdirSync(sandbox, { recursive: true });
    writeFileSync(
      path.join(sandbox, 'reusable-vm.js'),
      `const vm = require('node:vm');
const script = new vm.Script('const end = Date.now() + ms; while (Date.now() < end) {} "done"');
exports.spin = (ms) => script.runInContext(vm.createContext({ ms }), { timeout: 200 });
`,
    );
    writeFileSync(
      path.join(dir, 'main.ts'),
      `import { Worker } from 'node:worker_threads';
import { watchWorkflowSandbox } from ${JSON.stringify(path.join(root, 'core/temporal/workflow-code'))};
const seen: number[] = [];
const watch = watchWorkflowSandbox((timeoutMs) => seen.push(timeoutMs));
const fake = ${JSON.stringify(path.join(sandbox, 'reusable-vm.js'))};
const thread = new Worker(
  \`const { spin } = require(\${JSON.stringify(fake)});
let result; try { result = spin(2500); } catch (error) { result = error.message; }
require('node:worker_threads').parentPort.postMessage(result);\`,
  { eval: true },
);
let longest = 0;
const poll = setInterval(() => (longest = Math.max(longest, watch.longestCallSeconds())), 100);
thread.on('message', (result) => {
  clearInterval(poll);
  console.log(JSON.stringify({ result, seen, longest, after: watch.longestCallSeconds() }));
  watch.close();
  void thread.terminate();
});
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (isolateTimeout: 'on' | 'off') => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--require', preload, '--import', 'tsx', path.join(dir, 'main.ts')], {
      cwd: root,
      env: { ...process.env, TEMPORAL_ISOLATE_TIMEOUT: isolateTimeout },
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { result: string; seen: number[]; longest: number; after: number };
  };

  it('by default runs the sandbox call to its end, says so once, and shows from the main thread how long it has run', async () => {
    const { result, seen, longest, after } = await run('off');
    expect(result).toBe('done');
    expect(seen).toEqual([200]);
    expect(longest).toBeGreaterThanOrEqual(2);
    expect(after).toBe(0);
  }, 30_000);

  it('with TEMPORAL_ISOLATE_TIMEOUT=on leaves the SDK its timeout, which cuts the call short', async () => {
    const { result, seen, longest } = await run('on');
    expect(result).toMatch(/timed out after 200ms/);
    expect(seen).toEqual([]);
    expect(longest).toBe(0);
  }, 30_000);
});

import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createLogger } from '../../services/logger';

// Workers in tests log only warnings; the default runtime prints every state change.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by an earlier test file in this process
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Candor's workflows bundled once per test file (bundling is the slow part of starting a worker). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } });
  return bundle;
}

/** Runs a real worker with Candor's workflows and activities against `address` while `fn` runs. */
export async function withWorker<T>(address: string, taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ logger: createLogger({ logLevel: 'silent', secrets: [] }) }),
    });
    return await worker.runUntil(fn());
  } finally {
    await connection.close();
  }
}

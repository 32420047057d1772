import { NativeConnection, Worker, Runtime, DefaultLogger, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type JourneyEventSink } from '../../activities';
import { createProviders } from '../../activities/messaging';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import type { Database } from '../../core/store';
import { createPayloadCodec } from '../../core/temporal/connection';
import { DefinitionReferenceCodec } from '../../core/temporal/definition-references';
import { definitionTexts } from '../../core/store/definition-texts';
import { SHARED_WORKFLOW_MODULES, WORKFLOWS_PATH, isolateTimeout, watchWorkflowSandbox, workflowStackTraces } from '../../core/temporal/workflow-code';
import { checkKeyRing, WatchedCodec } from './key-ring';
import { othersCpu, yieldingSlots, type OthersCpu } from './yielding-slots';
import { SDK_LOG_LEVELS, sdkLogFields, sdkLogText } from './sdk-log';
import { startTracing } from '../../core/telemetry';
import { tracedProviders, workerTracingOptions } from './tracing';

export { EncryptionKeyMissingError } from './key-ring';

/** A running worker role; `close()` stops polling, lets in-flight tasks finish and disconnects. */
export interface WorkerRole {
  /** Resolves while the worker polls and decrypts every payload it is given; rejects saying why not. */
  check(): Promise<void>;
  close(): Promise<void>;
}

// Decryption failures a watch has reported in its own line; the SDK repeats them on every retry.
const watches = new Set<WatchedCodec>();
let runtimeInstalled = false;

/** The worker options Candor's settings tune, and what stops the sampling they may start. */
export interface WorkerTuning {
  options: Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentLocalActivityExecutions' | 'tuner'>;
  /** How the worker hands out journey workflow-task slots, as its `worker polling` line says it. */
  workflowTaskSlots: { yieldAt: number; minimum: number; maximum: number } | { fixed: number };
  close(): void;
}

/** Workflow tasks a worker yielding to the machine's other processes still runs at once. */
const YIELDING_MINIMUM = 2;

/**
 * The worker options Candor's settings tune (TEMPORAL_MAX_CACHED_WORKFLOWS, TEMPORAL_WORKFLOW_TASK_SLOTS,
 * TEMPORAL_LOCAL_ACTIVITY_SLOTS, TEMPORAL_WORKER_YIELD_CPU); the SDK's defaults where unset.
 */
export function workerTuning(temporal: Config['temporal'], others?: Pick<OthersCpu, 'share'>): WorkerTuning {
  const cache = temporal.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: temporal.maxCachedWorkflows } : {};
  const workflowSlots = Math.max(2, Math.min(temporal.workflowTaskSlots ?? 40, temporal.maxCachedWorkflows ?? Infinity));
  if (temporal.workerYieldCpu === undefined) {
    return {
      options: {
        ...cache,
        // Slots for journey workflow tasks and their local activities. Raising them helps only where CPU is left over:
        // on a saturated machine more tasks at once run past the 10 s workflow-task timeout and are retried.
        ...(temporal.workflowTaskSlots !== undefined ? { maxConcurrentWorkflowTaskExecutions: temporal.workflowTaskSlots } : {}),
        ...(temporal.localActivitySlots !== undefined ? { maxConcurrentLocalActivityExecutions: temporal.localActivitySlots } : {}),
      },
      workflowTaskSlots: { fixed: workflowSlots },
      close: () => undefined,
    };
  }
  // Workflow tasks yield to the machine's other processes (ingest's acknowledgements, Temporal's starts); activities
  // and local activities keep the SDK's fixed numbers.
  const sampler = others ? undefined : othersCpu();
  const slots = yieldingSlots({ maximum: workflowSlots, minimum: YIELDING_MINIMUM, yieldAt: temporal.workerYieldCpu, others: others ?? sampler! });
  return {
    options: {
      ...cache,
      tuner: {
        workflowTaskSlotSupplier: slots,
        activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
        localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: temporal.localActivitySlots ?? 100 },
        nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
      },
    },
    workflowTaskSlots: { yieldAt: temporal.workerYieldCpu, minimum: YIELDING_MINIMUM, maximum: workflowSlots },
    close: () => {
      slots.close();
      sampler?.close();
    },
  };
}

/**
 * Starts a Temporal worker polling Candor's task queue for journey workflows and their activities.
 * Refuses to start (EncryptionKeyMissingError) when running journeys need an encryption key it lacks.
 */
export async function startWorker(
  config: Config,
  deps: { logger: Logger; db: Database; events: JourneyEventSink; /** Prebuilt workflow code (tests); bundled from workflows/ otherwise. */ workflowBundle?: WorkflowBundleWithSourceMap },
): Promise<WorkerRole> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      // The SDK's core logs through our pino logger at warn and above, so its lines are JSON like ours.
      Runtime.install({
        logger: new DefaultLogger('WARN', (entry) => {
          // A decryption failure was said once, clearly, by the watch; the SDK repeats it on every retry.
          const level = [...watches].some((w) => w.isReported(sdkLogText(entry))) ? 'debug' : SDK_LOG_LEVELS[entry.level];
          deps.logger[level](sdkLogFields(entry.meta), entry.message);
        }),
        // The SDK's native core logs (e.g. "Failing workflow task") come through the same logger, not stderr.
        telemetryOptions: {
          logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
          // The SDK's own metrics (slots in use, task and local-activity latencies), for diagnosing throughput.
          ...(config.temporal.sdkMetricsAddress ? { metrics: { prometheus: { bindAddress: config.temporal.sdkMetricsAddress } } } : {}),
        },
        shutdownSignals: [],
      });
    } catch {
      // A runtime is already installed in this process (an embedding test harness): keep its logger.
    }
  }
  const { taskQueue } = config.temporal;
  // OTEL_EXPORTER_OTLP_ENDPOINT: spans of workflows, activities and provider calls (README: "Tracing").
  const tracing = startTracing(config);
  const providers = createProviders(config, deps.db);
  const keyRing = createPayloadCodec(config);
  const { checked, skipped } = await checkKeyRing({ address: config.temporal.address, namespace: config.temporal.namespace, taskQueue, codec: keyRing });
  if (skipped) deps.logger.warn({ taskQueue, reason: skipped }, 'could not list running journeys to check the encryption keys; checking as payloads arrive');
  const codec = new WatchedCodec(keyRing, (keyId, problem) =>
    deps.logger.error({ keyId, taskQueue }, `${problem}. Journeys that need it are stuck until a worker holding that key runs (README: "Encryption keys")`),
  );
  watches.add(codec);
  // Logged once, when a workflow thread first runs workflow code without the SDK's per-call timeout (the preload says so).
  const sandbox = watchWorkflowSandbox((timeoutMs) =>
    deps.logger.info({ taskQueue, sdkTimeoutMs: timeoutMs }, 'workflow code runs without the SDK\'s per-call timeout and its watchdog thread (TEMPORAL_ISOLATE_TIMEOUT=off)'),
  );
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const tuning = workerTuning(config.temporal);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    ...tuning.options,
    // The tracing interceptors are bundled with the workflows, so a tracing worker bundles its own: a prebuilt bundle has none.
    ...(deps.workflowBundle && !tracing ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: [...SHARED_WORKFLOW_MODULES] } }),
    activities: createActivities({ logger: deps.logger, db: deps.db, events: deps.events, providers: tracing ? tracedProviders(providers) : providers, publicUrl: config.http.publicUrl }),
    // Journeys that name their definition by digest get its stored text back after decryption (the references' codec
    // goes first: encoding runs in order, decoding in reverse).
    dataConverter: { payloadCodecs: [new DefinitionReferenceCodec(definitionTexts(deps.db), { reference: false }), codec] },
    shutdownGraceTime: config.shutdownGraceMs,
    ...(tracing ? workerTracingOptions(tracing) : {}),
  });
  const running = worker.run();
  const stackTraces = workflowStackTraces();
  deps.logger.info(
    { taskQueue, keys: keyRing.keyIds, journeysChecked: checked, workflowTaskSlots: tuning.workflowTaskSlots, workflowStackTraces: stackTraces, isolateTimeout: isolateTimeout() },
    'worker polling',
  );
  if (stackTraces === 'on-without-preload') {
    deps.logger.warn(
      { taskQueue },
      'this process was started without core/temporal/workflow-thread-preload.cjs (node --require), so its workflow threads keep a stack trace per promise: journeys cost more CPU and memory (README: "Workflow stack traces")',
    );
  }
  return {
    async check() {
      const failure = codec.failure();
      if (failure) throw new Error(failure);
      const state = worker.getState();
      if (state !== 'RUNNING') throw new Error(`the worker is ${state.toLowerCase()}`);
      // Without the SDK's per-call timeout (TEMPORAL_ISOLATE_TIMEOUT=off), workflow code stuck in a loop is not cut short
      // after it: it holds the workflow thread, and every journey of this worker with it, so the worker is unhealthy.
      const stuck = sandbox.longestCallSeconds();
      if (sandbox.timeoutMs !== undefined && stuck * 1000 > sandbox.timeoutMs) {
        throw new Error(`a workflow thread has been inside one call into workflow code for ${stuck} s, longer than the SDK's ${sandbox.timeoutMs} ms timeout: workflow code is stuck; restart this worker (README: "Workflow code without a watchdog thread per call")`);
      }
    },
    async close() {
      watches.delete(codec);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      tuning.close();
      sandbox.close();
      await connection.close();
      await tracing?.flush();
    },
  };
}

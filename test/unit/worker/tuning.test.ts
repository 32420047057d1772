import { loadConfig } from '../../../core/config';
import { workerTuning, workflowTaskSlots } from '../../../services/worker';

describe("the worker's slots for journey workflow tasks", () => {
  it('follow the machine\'s CPU by default: at least 2, at most the configured slots, capped by the cache', () => {
    const tuning = workerTuning(loadConfig({}).temporal);
    expect(tuning).not.toHaveProperty('maxConcurrentWorkflowTaskExecutions');
    expect(tuning.tuner).toMatchObject({
      workflowTaskSlotSupplier: { type: 'resource-based', minimumSlots: 2, maximumSlots: 40, tunerOptions: { targetCpuUsage: 0.8 } },
      // The other kinds keep the SDK's fixed numbers (or Candor's setting for local activities).
      activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
    });
    expect(workflowTaskSlots(loadConfig({}).temporal)).toEqual({ cpuTarget: 0.8, minimum: 2, maximum: 40 });
    const sized = workerTuning(loadConfig({ TEMPORAL_WORKER_CPU_TARGET: '0.6', TEMPORAL_WORKFLOW_TASK_SLOTS: '80', TEMPORAL_LOCAL_ACTIVITY_SLOTS: '150', TEMPORAL_MAX_CACHED_WORKFLOWS: '50' }).temporal);
    expect(sized).toMatchObject({
      maxCachedWorkflows: 50,
      tuner: {
        workflowTaskSlotSupplier: { maximumSlots: 50, tunerOptions: { targetCpuUsage: 0.6 } },
        localActivityTaskSlotSupplier: { numSlots: 150 },
      },
    });
  });

  it('are a fixed number with TEMPORAL_WORKER_CPU_TARGET=off', () => {
    expect(workerTuning(loadConfig({ TEMPORAL_WORKER_CPU_TARGET: 'off' }).temporal)).toEqual({});
    expect(workerTuning(loadConfig({ TEMPORAL_WORKER_CPU_TARGET: 'off', TEMPORAL_WORKFLOW_TASK_SLOTS: '8' }).temporal)).toEqual({ maxConcurrentWorkflowTaskExecutions: 8 });
    expect(workflowTaskSlots(loadConfig({ TEMPORAL_WORKER_CPU_TARGET: 'off', TEMPORAL_WORKFLOW_TASK_SLOTS: '8' }).temporal)).toEqual({ fixed: 8 });
  });

  it('refuse a target that is not a fraction of the machine, saying why', () => {
    expect(() => loadConfig({ TEMPORAL_WORKER_CPU_TARGET: '80' })).toThrow(/TEMPORAL_WORKER_CPU_TARGET: must be at most 1/);
    expect(() => loadConfig({ TEMPORAL_WORKER_CPU_TARGET: '0' })).toThrow(/TEMPORAL_WORKER_CPU_TARGET: must be above 0/);
    expect(() => loadConfig({ TEMPORAL_WORKER_CPU_TARGET: 'high' })).toThrow(/TEMPORAL_WORKER_CPU_TARGET: must be off or a fraction/);
  });
});

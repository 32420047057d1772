import { loadConfig } from '../../../core/config';
import { workerTuning } from '../../../services/worker';
import { machineTicks, othersCpu, yieldingSlots } from '../../../services/worker/yielding-slots';

const reserveContext = { slotType: 'workflow' as const, taskQueue: 'q', workerIdentity: 'w', workerBuildId: '', isSticky: false };

describe("the worker's slots for journey workflow tasks", () => {
  it('yield to the machine\'s other processes by default: up to the configured slots, capped by the cache', () => {
    const tuning = workerTuning(loadConfig({}).temporal, { share: () => 0 });
    expect(tuning.workflowTaskSlots).toEqual({ yieldAt: 0.7, minimum: 2, maximum: 40 });
    expect(tuning.options).not.toHaveProperty('maxConcurrentWorkflowTaskExecutions');
    expect(tuning.options.tuner).toMatchObject({
      workflowTaskSlotSupplier: { type: 'custom' },
      // The other kinds keep the SDK's fixed numbers (or Candor's setting for local activities).
      activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
    });
    tuning.close();
    const sized = workerTuning(
      loadConfig({ TEMPORAL_WORKER_YIELD_CPU: '0.6', TEMPORAL_WORKFLOW_TASK_SLOTS: '80', TEMPORAL_LOCAL_ACTIVITY_SLOTS: '150', TEMPORAL_MAX_CACHED_WORKFLOWS: '50' }).temporal,
      { share: () => 0 },
    );
    expect(sized.workflowTaskSlots).toEqual({ yieldAt: 0.6, minimum: 2, maximum: 50 });
    expect(sized.options).toMatchObject({ maxCachedWorkflows: 50, tuner: { localActivityTaskSlotSupplier: { numSlots: 150 } } });
    sized.close();
  });

  it('are a fixed number with TEMPORAL_WORKER_YIELD_CPU=off', () => {
    expect(workerTuning(loadConfig({ TEMPORAL_WORKER_YIELD_CPU: 'off' }).temporal)).toMatchObject({ options: {}, workflowTaskSlots: { fixed: 40 } });
    expect(workerTuning(loadConfig({ TEMPORAL_WORKER_YIELD_CPU: 'off', TEMPORAL_WORKFLOW_TASK_SLOTS: '8' }).temporal)).toMatchObject({
      options: { maxConcurrentWorkflowTaskExecutions: 8 },
      workflowTaskSlots: { fixed: 8 },
    });
  });

  it('refuse a share that is not a fraction of the machine, saying why', () => {
    expect(() => loadConfig({ TEMPORAL_WORKER_YIELD_CPU: '70' })).toThrow(/TEMPORAL_WORKER_YIELD_CPU: must be at most 1/);
    expect(() => loadConfig({ TEMPORAL_WORKER_YIELD_CPU: '0' })).toThrow(/TEMPORAL_WORKER_YIELD_CPU: must be above 0/);
    expect(() => loadConfig({ TEMPORAL_WORKER_YIELD_CPU: 'high' })).toThrow(/TEMPORAL_WORKER_YIELD_CPU: must be off or a fraction/);
  });
});

describe('slots that yield to other processes', () => {
  it('hand out up to the maximum while the others are under the share, and no more than the minimum above it', async () => {
    let share = 0.2;
    const slots = yieldingSlots({ maximum: 4, minimum: 2, yieldAt: 0.7, others: { share: () => share }, recheckMs: 10 });
    const abort = new AbortController();
    const permits = await Promise.all([1, 2, 3].map(() => slots.reserveSlot(reserveContext, abort.signal)));
    expect(permits).toHaveLength(3);
    expect(slots.inUse()).toBe(3);
    share = 0.9;
    // Above the share: 3 in use is already more than 2, so nothing more is handed out, eagerly or by waiting.
    expect(slots.tryReserveSlot(reserveContext)).toBeNull();
    let granted = false;
    const waiting = slots.reserveSlot(reserveContext, abort.signal).then(() => (granted = true));
    slots.releaseSlot({ permit: permits[0]! });
    slots.releaseSlot({ permit: permits[1]! });
    // One left in use: under the minimum of 2, so the waiting reservation gets its slot though the others are busy.
    await waiting;
    expect(granted).toBe(true);
    expect(slots.inUse()).toBe(2);
    expect(slots.tryReserveSlot(reserveContext)).toBeNull();
    // The others' use falls: a waiting reservation is granted without a release.
    const next = slots.reserveSlot(reserveContext, abort.signal);
    share = 0.1;
    await next;
    expect(slots.inUse()).toBe(3);
    expect(slots.tryReserveSlot(reserveContext)).not.toBeNull();
    expect(slots.inUse()).toBe(4);
    slots.close();
  });

  it('reject a waiting reservation the SDK aborts, with its reason, and forget it', async () => {
    const slots = yieldingSlots({ maximum: 2, minimum: 2, yieldAt: 0.7, others: { share: () => 0 }, recheckMs: 10 });
    const abort = new AbortController();
    await slots.reserveSlot(reserveContext, abort.signal);
    await slots.reserveSlot(reserveContext, abort.signal);
    const waiting = slots.reserveSlot(reserveContext, abort.signal);
    const reason = new Error('poller shut down');
    abort.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    slots.releaseSlot({ permit: {} });
    expect(slots.inUse()).toBe(1);
    slots.close();
  });
});

describe("the other processes' share of the machine's CPU", () => {
  it('reads busy and total ticks from /proc/stat, without idle and I/O wait', () => {
    expect(machineTicks(() => 'cpu  100 5 50 800 20 3 2 0 7 0\ncpu0 50 2 25 400 10 1 1 0 0 0\n')).toEqual({ busy: 160, total: 980 });
    expect(machineTicks(() => 'garbage')).toBeUndefined();
    expect(
      machineTicks(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });

  it('is the machine\'s busy time less this process\'s own, over the machine\'s whole time', () => {
    // Two cores over 1 s: 200 ticks of 10 ms. The machine was busy 150 ticks (1.5 s), this process used 0.5 s of it.
    const machine = [
      { busy: 1000, total: 5000 },
      { busy: 1150, total: 5200 },
      { busy: 1150, total: 5400 },
    ];
    const own = [2_000_000, 2_500_000, 2_500_000];
    let i = 0;
    const others = othersCpu({ ticks: () => machine[i], ownMicros: () => own[i]!, intervalMs: 60_000, window: 1 });
    expect(others.share()).toBe(0);
    i = 1;
    others.sample();
    expect(others.share()).toBeCloseTo(0.5, 5);
    // The next second the machine idles: over the window of one sample, the others used nothing.
    i = 2;
    others.sample();
    expect(others.share()).toBe(0);
    others.close();
  });

  it('is 0 where /proc/stat cannot be read', () => {
    const others = othersCpu({ ticks: () => undefined });
    expect(others.share()).toBe(0);
    others.close();
  });
});

import { readFileSync, rmSync } from 'node:fs';
import { exampleData } from '../../core/events/examples';
import { signalJourney } from '../../core/temporal/journeys';
import { journeyWorkflowId } from '../../workflows/shared';
import { unique } from '../helpers/env';
import { atsEvent, daytimeZone } from '../helpers/events';
import { seededDataDir, spawnRole, waitForJourneys } from '../helpers/ingest-harness';
import { useFixture } from '../helpers/fixture';

/** What the worker process logged when it started polling. */
async function pollingLine(logFile: string, hasExited: () => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const line = readFileSync(logFile, 'utf8')
      .split('\n')
      .find((l) => l.includes('"worker polling"'));
    if (line) return JSON.parse(line) as Record<string, unknown>;
    if (hasExited() || Date.now() > deadline) throw new Error(`the worker did not start polling:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the worker role in its own process, launched as production launches it', () => {
  const tenant = unique('wrk').toLowerCase();
  // No worker in the test process: only the spawned worker role polls the task queue.
  const t = useFixture({ temporal: 'own-dev-server' }, { stop: 60_000 });
  const started: ReturnType<typeof spawnRole>[] = [];
  let seed: string;

  beforeAll(async () => {
    seed = await seededDataDir([tenant]);
    t.onTeardown(async () => {
      await Promise.all(started.map((p) => p.stop(30_000)));
      for (const p of started) rmSync(p.dataDir, { recursive: true, force: true });
      rmSync(seed, { recursive: true, force: true });
    });
  });

  const spawn = (name: string, env: Record<string, string> = {}) => {
    const proc = spawnRole('worker', { name, temporalAddress: t.address, taskQueue: t.taskQueue, logDir: t.dir, seed, env });
    started.push(proc);
    return proc;
  };
  const worker = async (name: string, env: Record<string, string> = {}) => {
    const proc = spawn(name, env);
    return { proc, polling: await pollingLine(proc.logFile, () => proc.hasExited()) };
  };
  /** A new application with contact details, in office hours, signalled as ingest would; resolves once it is acknowledged. */
  const acknowledged = async (applicationId: string) => {
    const data = exampleData(applicationId)['ats.application.created'];
    await signalJourney(t.client, t.taskQueue, { tenant, applicationId }, atsEvent('ats.application.created', Date.now(), { ...data, candidate: { ...data.candidate, timeZone: daytimeZone() } }));
    const statuses = await waitForJourneys(t.client, tenant, [applicationId], (s) => s.lastMessageAt !== undefined);
    return statuses.get(applicationId)!;
  };

  it('runs journeys without workflow stack traces and with CPU-following slots by default, and with traces and fixed slots when asked', async () => {
    const first = await worker('worker-default');
    expect(first.polling.workflowStackTraces).toBe('off');
    expect(first.polling.isolateTimeout).toBe('off');
    // By default the worker takes up to 40 workflow tasks at once while the machine's other processes use under 70% of
    // its CPU, 2 above it.
    expect(first.polling.workflowTaskSlots).toEqual({ yieldAt: 0.7, minimum: 2, maximum: 40 });
    const quiet = unique('app');
    const status = await acknowledged(quiet);
    expect(status.eventsApplied).toBe(1);
    expect(status.lastMessageAt).toBeGreaterThan(0);
    // The Temporal UI's "Stack Trace" tab asks this query; the SDK answers that the worker does not collect them.
    await expect(t.client.workflow.getHandle(journeyWorkflowId(tenant, quiet)).query('__stack_trace')).rejects.toThrow(/stack traces are not enabled/);
    await first.proc.stop(30_000);
    const firstLog = readFileSync(first.proc.logFile, 'utf8');
    // The SDK's own notice that promise hooks are "not available" is not printed: the log says what is true.
    expect(firstLog).not.toContain('promiseHooks');
    // The journey's workflow code ran without the SDK's 5 s timeout per call (so without a watchdog thread per call):
    // the workflow thread's preload said so once the SDK's sandbox first called into it.
    const dropped = firstLog.split('\n').filter((l) => l.includes('without the SDK\'s per-call timeout'));
    expect(dropped).toHaveLength(1);
    expect(JSON.parse(dropped[0]!)).toMatchObject({ sdkTimeoutMs: 5000 });

    const second = await worker('worker-stack-traces', { TEMPORAL_WORKFLOW_STACK_TRACES: 'on', TEMPORAL_ISOLATE_TIMEOUT: 'on', TEMPORAL_WORKER_YIELD_CPU: 'off' });
    expect(second.polling.workflowStackTraces).toBe('on');
    expect(second.polling.workflowTaskSlots).toEqual({ fixed: 40 });
    expect(second.polling.isolateTimeout).toBe('on');
    const traced = unique('app');
    await acknowledged(traced);
    const stack = await t.client.workflow.getHandle(journeyWorkflowId(tenant, traced)).query<string>('__stack_trace');
    expect(stack).toContain('workflows/candidate-journey.ts');
    // With TEMPORAL_ISOLATE_TIMEOUT=on the SDK's timeout stays: nothing was run without it.
    expect(readFileSync(second.proc.logFile, 'utf8')).not.toContain('per-call timeout');
  });

  it('refuses to start with a TEMPORAL_ISOLATE_TIMEOUT it does not know, and says why', async () => {
    const proc = spawn('worker-bad-isolate-timeout', { TEMPORAL_ISOLATE_TIMEOUT: '5s' });
    expect(await proc.exited).not.toBe(0);
    expect(readFileSync(proc.logFile, 'utf8')).toMatch(/TEMPORAL_ISOLATE_TIMEOUT.*must be on or off/);
  });

  it('refuses to start with a TEMPORAL_WORKER_YIELD_CPU that is not a fraction of the machine, and says why', async () => {
    const proc = spawn('worker-bad-yield-cpu', { TEMPORAL_WORKER_YIELD_CPU: '70' });
    expect(await proc.exited).not.toBe(0);
    expect(readFileSync(proc.logFile, 'utf8')).toMatch(/TEMPORAL_WORKER_YIELD_CPU.*must be at most 1/);
  });

  it('refuses to start with a TEMPORAL_WORKFLOW_STACK_TRACES it does not know, and says why', async () => {
    const proc = spawn('worker-bad-setting', { TEMPORAL_WORKFLOW_STACK_TRACES: 'yes' });
    expect(await proc.exited).not.toBe(0);
    expect(readFileSync(proc.logFile, 'utf8')).toMatch(/TEMPORAL_WORKFLOW_STACK_TRACES.*must be on or off/);
  });
});

import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createLogger } from '../../services/logger';
import { atsEventSignal, journeyStatusQuery } from '../../workflows/shared';
import { signalJourney } from '../../services/temporal/journeys';
import { workflowBundle } from '../helpers/worker';

describe('candidateJourney on the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    const path = process.env.TEMPORAL_TEST_SERVER;
    env = await TestWorkflowEnvironment.createTimeSkipping(path ? { server: { executable: { type: 'existing-path', path } } } : {});
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('applies a redelivered event once and completes on a terminal outcome', async () => {
    const taskQueue = 'wf-test';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ logger: createLogger({ logLevel: 'silent', secrets: [] }) }),
    });
    const result = await worker.runUntil(async () => {
      const handle = await signalJourney(env.client, taskQueue, { tenant: 'acme', applicationId: 'app-1' }, { id: 'e1', type: 'ats.application.created', time: '2026-11-02T09:00:00Z' });
      for (let i = 0; i < 3; i++) await handle.signal(atsEventSignal, { id: 'e1', type: 'ats.application.created', time: '2026-11-02T09:00:00Z' });
      await env.sleep('30 days');
      expect(await handle.query(journeyStatusQuery)).toMatchObject({ eventsApplied: 1, completed: false });
      await handle.signal(atsEventSignal, { id: 'e2', type: 'ats.application.rejected', time: '2026-12-02T09:00:00Z' });
      return handle.result();
    });
    expect(result).toMatchObject({ eventsApplied: 2, lastEventType: 'ats.application.rejected', completed: true });
  });
});

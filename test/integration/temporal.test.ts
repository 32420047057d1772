import { execFileSync } from 'node:child_process';
import { JourneyClosedError, signalJourney } from '../../core/temporal/journeys';
import { atsEventSignal, journeyStatusQuery, journeyWorkflowId } from '../../workflows/shared';
import type { candidateJourney } from '../../workflows';
import { required, unique } from '../helpers/env';
import { daytimeCandidate } from '../helpers/events';
import { useFixture } from '../helpers/fixture';
import { testClient } from '../helpers/worker';

const data = daytimeCandidate();
describe('Temporal dev server', () => {
  const t = useFixture({ temporal: 'shared' });

  it('runs a journey started through the client to completion, visible to `temporal workflow list`', async () => {
    const applicationId = unique('app');
    const workflowId = journeyWorkflowId('acme', applicationId);
    const result = await t.withWorker(async () => {
      const handle = await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, { id: 'evt-1', type: 'ats.application.created', time: new Date().toISOString(), data });
      await handle.signal(atsEventSignal, { id: 'evt-1', type: 'ats.application.created', time: new Date().toISOString(), data });
      await handle.signal(atsEventSignal, { id: 'evt-2', type: 'ats.application.hired', time: new Date().toISOString(), data });
      return handle.result();
    });
    expect(result).toMatchObject({ eventsApplied: 2, lastEventType: 'ats.application.hired', completed: true });
    // A late event does not start a second journey (and a second acknowledgement) for the same application.
    await expect(
      signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, { id: 'evt-3', type: 'ats.candidate.updated', time: new Date().toISOString(), data }),
    ).rejects.toBeInstanceOf(JourneyClosedError);

    const listed = execFileSync(required('TEMPORAL_CLI'), ['workflow', 'list', '--address', t.address, '--query', `WorkflowId="${workflowId}"`, '--output', 'json'], {
      encoding: 'utf8',
    });
    const rows = JSON.parse(listed) as { execution: { workflowId: string }; status: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.execution.workflowId).toBe(workflowId);
    expect(rows[0]!.status).toMatch(/COMPLETED/);
  });

  it('answers a status query from a running journey', async () => {
    const applicationId = unique('app');
    await t.withWorker(async () => {
      const handle = await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, { id: 'e1', type: 'ats.application.created', time: new Date().toISOString(), data });
      // A query is answered by the worker only after the signal's workflow task ran, so this also proves the event was applied.
      let status = await handle.query(journeyStatusQuery);
      for (let i = 0; i < 50 && status.eventsApplied === 0; i++) status = await handle.query(journeyStatusQuery);
      expect(status).toMatchObject({ tenant: 'acme', applicationId, eventsApplied: 1, completed: false });
      await handle.terminate('test done');
    });
  });
});

describe('a journey across a Temporal dev-server restart', () => {
  // Its own dev server (not the suite's), so restarting it disturbs no other test.
  const t = useFixture({ temporal: 'own-dev-server' });

  it('is still there, with its events, after the server restarts, and then completes', async () => {
    const applicationId = unique('app');
    const workflowId = journeyWorkflowId('acme', applicationId);

    await t.withWorker(async () => {
      await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, { id: 'e1', type: 'ats.application.created', time: new Date().toISOString(), data });
    });
    await t.devServer.stop();

    await t.devServer.start();
    const client = await testClient(t.address);
    const handle = client.workflow.getHandle<typeof candidateJourney>(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const result = await t.withWorker(async () => {
      await handle.signal(atsEventSignal, { id: 'e2', type: 'ats.application.withdrawn', time: new Date().toISOString(), data });
      return handle.result();
    });
    expect(result).toMatchObject({ eventsApplied: 2, completed: true });
    await client.connection.close();
  });
});

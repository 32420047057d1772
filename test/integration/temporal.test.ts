import { execFileSync } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { JourneyClosedError, signalJourney } from '../../core/temporal/journeys';
import { atsEventSignal, journeyStatusQuery, journeyWorkflowId } from '../../workflows/shared';
import { required, unique } from '../helpers/env';
import { daytimeZone } from '../helpers/events';
import { testClient, withWorker } from '../helpers/worker';


// No address: these tests are about Temporal, so the journey's messages are suppressed, in office hours so nothing waits for morning.
const daytimeCandidate = { candidate: { id: 'c1', firstName: 'Sam', timeZone: daytimeZone() } };
describe('Temporal dev server', () => {
  const address = required('TEMPORAL_ADDRESS');
  let client: Client;
  beforeAll(async () => {
    client = await testClient(address);
  });
  afterAll(async () => {
    await client.connection.close();
  });

  it('runs a journey started through the client to completion, visible to `temporal workflow list`', async () => {
    const taskQueue = unique('it-temporal');
    const applicationId = unique('app');
    const workflowId = journeyWorkflowId('acme', applicationId);
    const result = await withWorker(address, taskQueue, async () => {
      const handle = await signalJourney(client, taskQueue, { tenant: 'acme', applicationId }, { id: 'evt-1', type: 'ats.application.created', time: new Date().toISOString(), data: daytimeCandidate });
      await handle.signal(atsEventSignal, { id: 'evt-1', type: 'ats.application.created', time: new Date().toISOString(), data: daytimeCandidate });
      await handle.signal(atsEventSignal, { id: 'evt-2', type: 'ats.application.hired', time: new Date().toISOString(), data: daytimeCandidate });
      return handle.result();
    });
    expect(result).toMatchObject({ eventsApplied: 2, lastEventType: 'ats.application.hired', completed: true });
    // A late event does not start a second journey (and a second acknowledgement) for the same application.
    await expect(
      signalJourney(client, taskQueue, { tenant: 'acme', applicationId }, { id: 'evt-3', type: 'ats.candidate.updated', time: new Date().toISOString(), data: daytimeCandidate }),
    ).rejects.toBeInstanceOf(JourneyClosedError);

    const listed = execFileSync(required('TEMPORAL_CLI'), ['workflow', 'list', '--address', address, '--query', `WorkflowId="${workflowId}"`, '--output', 'json'], {
      encoding: 'utf8',
    });
    const rows = JSON.parse(listed) as { execution: { workflowId: string }; status: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.execution.workflowId).toBe(workflowId);
    expect(rows[0]!.status).toMatch(/COMPLETED/);
  });

  it('answers a status query from a running journey', async () => {
    const taskQueue = unique('it-temporal');
    const applicationId = unique('app');
    await withWorker(address, taskQueue, async () => {
      const handle = await signalJourney(client, taskQueue, { tenant: 'acme', applicationId }, { id: 'e1', type: 'ats.application.created', time: new Date().toISOString(), data: daytimeCandidate });
      // A query is answered by the worker only after the signal's workflow task ran, so this also proves the event was applied.
      let status = await handle.query(journeyStatusQuery);
      for (let i = 0; i < 50 && status.eventsApplied === 0; i++) status = await handle.query(journeyStatusQuery);
      expect(status).toMatchObject({ tenant: 'acme', applicationId, eventsApplied: 1, completed: false });
      await handle.terminate('test done');
    });
  });
});

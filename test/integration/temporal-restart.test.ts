import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/stack';
import { signalJourney } from '../../core/temporal/journeys';
import { atsEventSignal, journeyWorkflowId } from '../../workflows/shared';
import type { candidateJourney } from '../../workflows';
import { testPort, unique } from '../helpers/env';
import { daytimeZone } from '../helpers/events';
import { testDataConverter, withWorker } from '../helpers/worker';

// Its own dev server (not the suite's), so restarting it disturbs no other test.
const PORT = testPort(17250);


// No address: these tests are about Temporal, so the journey's messages are suppressed, in office hours so nothing waits for morning.
const daytimeCandidate = { candidate: { id: 'c1', firstName: 'Sam', timeZone: daytimeZone() } };
describe('a journey across a Temporal dev-server restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-temporal-'));
  const options = { port: PORT, uiPort: PORT + 1, dbFile: join(dir, 'temporal.db'), logDir: join(dir, 'logs') };
  let server: TemporalDevServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is still there, with its events, after the server restarts, and then completes', async () => {
    const address = `127.0.0.1:${PORT}`;
    const taskQueue = unique('it-restart');
    const applicationId = unique('app');
    const workflowId = journeyWorkflowId('acme', applicationId);

    server = await startTemporalDevServer(options);
    let connection = await Connection.connect({ address });
    let client = new Client({ connection, dataConverter: testDataConverter });
    await withWorker(address, taskQueue, async () => {
      await signalJourney(client, taskQueue, { tenant: 'acme', applicationId }, { id: 'e1', type: 'ats.application.created', time: new Date().toISOString(), data: daytimeCandidate });
    });
    await connection.close();
    await server.stop();

    server = await startTemporalDevServer(options);
    connection = await Connection.connect({ address });
    client = new Client({ connection, dataConverter: testDataConverter });
    const handle = client.workflow.getHandle<typeof candidateJourney>(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const result = await withWorker(address, taskQueue, async () => {
      await handle.signal(atsEventSignal, { id: 'e2', type: 'ats.application.withdrawn', time: new Date().toISOString(), data: daytimeCandidate });
      return handle.result();
    });
    expect(result).toMatchObject({ eventsApplied: 2, completed: true });
    await connection.close();
  });
});

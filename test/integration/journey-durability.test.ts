import { signalJourney } from '../../core/temporal/journeys';
import type { Database } from '../../core/store';
import { SA_STAGE, SA_TENANT } from '../../workflows/shared';
import { unique } from '../helpers/env';
import { atsEvent, daytimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';
import { WorkerProcess, writeWorkerFiles } from '../helpers/worker-processes';

/** Polls the outbox (a real query each time) until `predicate` holds or `timeoutMs` passes. */
async function outboxUntil(db: Database, applicationId: string, predicate: (templates: string[]) => boolean, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ template: string }>('select template from outbox where application_id = $1 order by sent_at', [applicationId]);
    const templates = rows.map((r) => r.template);
    if (predicate(templates) || Date.now() > deadline) return templates;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a journey across a worker kill and a Temporal dev-server restart', () => {
  const t = useFixture({ database: 'postgres', temporal: 'own-dev-server' });
  let worker: WorkerProcess | undefined;
  let files: Record<string, string>;

  beforeAll(async () => {
    // The English default journey, plus a second applied-stage message 25 s after the first: a timer
    // short enough to wait for, set before the kill and the restart.
    files = await writeWorkerFiles(t.dir, (raw) => {
      raw.stages.applied.onEnter.push({ template: 'applied.second-look', delay: '25s', text: { en: { body: 'Hi {{ candidate.firstName }}, a second look is under way.' } } });
    });
    t.onTeardown(() => worker?.kill());
  });

  const startWorker = async (): Promise<WorkerProcess> => {
    const started = new WorkerProcess({ TEMPORAL_ADDRESS: t.address, TASK_QUEUE: t.taskQueue, DATABASE_URL: t.databaseUrl, ...files });
    await started.go();
    return started;
  };

  it('keeps its timers: the delayed message goes once, after the restart, and nothing is sent twice', async () => {
    const applicationId = unique('app');
    worker = await startWorker();
    const candidate = { id: 'c1', firstName: 'Noor', email: 'noor@example.com', locale: 'en', timeZone: daytimeZone(), consent: { email: true } };
    await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, atsEvent('ats.application.created', Date.now(), { candidate }));
    expect(await outboxUntil(t.db, applicationId, (t) => t.includes('applied.ack'), 30_000)).toEqual(['applied.ack']);

    worker.kill();
    await worker.exited;
    await t.devServer.stop();
    await t.devServer.start();
    worker = await startWorker();

    const templates = await outboxUntil(t.db, applicationId, (t) => t.includes('applied.second-look'), 60_000);
    expect(templates).toEqual(['applied.ack', 'applied.second-look']);
  }, 150_000);
});

describe('search attributes on the dev server', () => {
  const t = useFixture({ temporal: 'shared' });

  it('lets the API list journeys by tenant and stage without personal data', async () => {
    const tenant = unique('sa');
    await t.withWorker(async () => {
      const candidate = { id: 'c2', firstName: 'Lin', email: 'lin@example.com', locale: 'en', timeZone: daytimeZone(), consent: { email: true } };
      const handle = await signalJourney(t.client, t.taskQueue, { tenant, applicationId: 'app-sa' }, atsEvent('ats.application.created', Date.now(), { candidate }));
      await handle.query('status');
      const query = `CandorTenant = "${tenant}" AND CandorStage = "applied"`;
      let found: string[] = [];
      for (let i = 0; i < 40 && found.length === 0; i++) {
        found = [];
        for await (const execution of t.client.workflow.list({ query })) found.push(execution.workflowId);
        if (found.length === 0) await new Promise((r) => setTimeout(r, 250));
      }
      expect(found).toEqual([`journey/${tenant}/app-sa`]);
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(SA_TENANT)).toBe(tenant);
      expect(described.typedSearchAttributes.get(SA_STAGE)).toBe('applied');
      expect(JSON.stringify(described.searchAttributes)).not.toMatch(/Lin|lin@example/);
      await handle.terminate('test done');
    });
  });
});

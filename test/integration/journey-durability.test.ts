import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/stack';
import { migrate, openPostgresDatabase, type Database } from '../../core/store';
import { signalJourney } from '../../core/temporal/journeys';
import { SA_STAGE, SA_TENANT } from '../../workflows/shared';
import { required, testPort, unique } from '../helpers/env';
import { atsEvent, daytimeZone } from '../helpers/events';
import { testClient, testDataConverter } from '../helpers/worker';

const ROOT = join(__dirname, '..', '..');
const PORT = testPort(17260);

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
  const dir = mkdtempSync(join(tmpdir(), 'candor-durability-'));
  const serverOptions = { port: PORT, uiPort: PORT + 1, dbFile: join(dir, 'temporal.db'), logDir: join(dir, 'logs') };
  const dbName = `candor_${randomUUID().replace(/-/g, '')}`;
  let server: TemporalDevServer | undefined;
  let worker: ChildProcess | undefined;
  let db: Database;
  let dbUrl: string;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: required('CANDOR_TEST_DATABASE_URL') });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(required('CANDOR_TEST_DATABASE_URL'));
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
    db = await openPostgresDatabase(dbUrl);
    await migrate(db);
    await db.query("insert into tenants (id, name) values ('acme', 'Acme')");
    // The English default journey, plus a second applied-stage message 25 s after the first: a timer
    // short enough to wait for, set before the kill and the restart.
    const raw = parse(readFileSync(join(ROOT, 'journeys/default-en.yaml'), 'utf8')) as { stages: { applied: { onEnter: unknown[] } } };
    raw.stages.applied.onEnter.push({ template: 'applied.second-look', delay: '25s', text: { en: { body: 'Hi {{ candidate.firstName }}, a second look is under way.' } } });
    writeFileSync(join(dir, 'journey.yaml'), stringify(raw));
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await server?.stop();
    await db?.close();
    const admin = new pg.Client({ connectionString: required('CANDOR_TEST_DATABASE_URL') });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  const startWorker = async (taskQueue: string): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/worker-process.ts')], {
      cwd: ROOT,
      env: { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${PORT}`, TASK_QUEUE: taskQueue, DATABASE_URL: dbUrl, JOURNEY_FILE: join(dir, 'journey.yaml') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('worker ready') && resolve());
      child.once('exit', (code) => reject(new Error(`worker exited early (${String(code)})`)));
    });
    return child;
  };

  it('keeps its timers: the delayed message goes once, after the restart, and nothing is sent twice', async () => {
    const taskQueue = unique('durability');
    const applicationId = unique('app');
    server = await startTemporalDevServer(serverOptions);
    worker = await startWorker(taskQueue);
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${PORT}` }), dataConverter: testDataConverter });
    const candidate = { id: 'c1', firstName: 'Noor', email: 'noor@example.com', locale: 'en', timeZone: daytimeZone(), consent: { email: true } };
    await signalJourney(client, taskQueue, { tenant: 'acme', applicationId }, atsEvent('ats.application.created', Date.now(), { candidate }));
    expect(await outboxUntil(db, applicationId, (t) => t.includes('applied.ack'), 30_000)).toEqual(['applied.ack']);
    await client.connection.close();

    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    await server.stop();
    server = await startTemporalDevServer(serverOptions);
    worker = await startWorker(taskQueue);

    const templates = await outboxUntil(db, applicationId, (t) => t.includes('applied.second-look'), 60_000);
    expect(templates).toEqual(['applied.ack', 'applied.second-look']);
  }, 150_000);
});

describe('search attributes on the dev server', () => {
  it('lets the API list journeys by tenant and stage without personal data', async () => {
    const address = required('TEMPORAL_ADDRESS');
    const client: Client = await testClient(address);
    const tenant = unique('sa');
    const taskQueue = unique('sa-queue');
    const { withWorker } = await import('../helpers/worker');
    await withWorker(address, taskQueue, async () => {
      const candidate = { id: 'c2', firstName: 'Lin', email: 'lin@example.com', locale: 'en', timeZone: daytimeZone(), consent: { email: true } };
      const handle = await signalJourney(client, taskQueue, { tenant, applicationId: 'app-sa' }, atsEvent('ats.application.created', Date.now(), { candidate }));
      await handle.query('status');
      const query = `CandorTenant = "${tenant}" AND CandorStage = "applied"`;
      let found: string[] = [];
      for (let i = 0; i < 40 && found.length === 0; i++) {
        found = [];
        for await (const execution of client.workflow.list({ query })) found.push(execution.workflowId);
        if (found.length === 0) await new Promise((r) => setTimeout(r, 250));
      }
      expect(found).toEqual([`journey/${tenant}/app-sa`]);
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(SA_TENANT)).toBe(tenant);
      expect(described.typedSearchAttributes.get(SA_STAGE)).toBe('applied');
      expect(JSON.stringify(described.searchAttributes)).not.toMatch(/Lin|lin@example/);
      await handle.terminate('test done');
    });
    await client.connection.close();
  });
});

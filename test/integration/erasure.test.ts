import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ConfigResourceTypes } from 'kafkajs';
import { isOptedOut, optOut } from '../../activities/messaging';
import { TOPIC_ATS_DLQ, TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import { migrate } from '../../core/store';
import { compactAfterErasure, eraseCandidateData } from '../../core/store/erasure';
import { signalJourney } from '../../core/temporal/journeys';
import type { JourneyErasureResult } from '../../workflows/journey-erasure';
import { erasureWorkflowId, journeyWorkflowId } from '../../workflows/shared';
import { freshPostgresDatabase } from '../helpers/databases';
import { unique } from '../helpers/env';
import { eventually } from '../helpers/eventually';
import { atsEvent, candidate, daytimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';
import { testKafka } from '../helpers/ingest-harness';

/** Every file under `dir` whose bytes contain one of `needles`, as "file: needle". */
function filesContaining(dir: string, needles: string[]): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const bytes = readFileSync(path);
        for (const needle of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) found.push(`${path.slice(dir.length)}: ${needle}`);
      }
    }
  };
  walk(dir);
  return found;
}

/**
 * Erasure leaves no personal data behind: a candidate who got messages is erased (through the API, and through
 * the `ats.candidate.erased` event as ingest delivers it, also after their journey had ended); then every run of
 * the journey is gone from the Temporal dev server, and no file of the PGlite data directory holds their
 * e-mail, phone or name. Opt-outs keep working through a pseudonym.
 */
describe('erasure (Temporal dev server, a real worker, PGlite on disk, the API)', () => {
  const t = useFixture({ database: 'pglite-on-disk', temporal: 'shared', api: true, worker: true });

  /** A journey for a candidate with unique contact details, acknowledged on both channels. */
  async function candidateWithMessages(options: { historyLimit?: number } = {}) {
    const applicationId = unique('app');
    const tag = Math.random().toString(36).slice(2, 10);
    const person = { firstName: `Zq${tag}`, email: `erase.${tag}@example.com`, phone: `+4670${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` };
    const data = { application: { id: applicationId, jobId: 'job-7', jobTitle: 'Backend Engineer' }, candidate: candidate({ ...person, timeZone: daytimeZone() }) };
    await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, atsEvent('ats.application.created', Date.now(), data), options);
    await eventually(async () => {
      const { rows } = await t.db.query<{ channel: string }>(`select channel from message_ledger where tenant_id = 'acme' and application_id = $1 and status in ('accepted', 'delivered')`, [applicationId]);
      return rows.length > 0 ? true : undefined;
    }, 30_000, 200);
    expect((await t.db.query('select 1 from outbox where application_id = $1', [applicationId])).rows.length).toBeGreaterThan(0);
    return { applicationId, person, data };
  }

  async function runsOf(applicationId: string): Promise<string[]> {
    const runs: string[] = [];
    for await (const execution of t.client.workflow.list({ query: `WorkflowId = "${journeyWorkflowId('acme', applicationId)}"` })) runs.push(execution.runId);
    return runs;
  }

  async function expectGoneFromTemporal(applicationId: string, runIds: string[]): Promise<void> {
    const workflowId = journeyWorkflowId('acme', applicationId);
    await expect(t.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    for (const runId of runIds) await expect(t.client.workflow.getHandle(workflowId, runId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await runsOf(applicationId)).toEqual([]);
  }

  it('through the API: every run of the journey is deleted once it has ended, and the store files keep no contact', async () => {
    // A small history limit makes the journey continue as new, so it has several runs to delete.
    const { applicationId, person, data } = await candidateWithMessages({ historyLimit: 12 });
    for (let i = 0; i < 3; i++) {
      await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, atsEvent('ats.candidate.updated', Date.now(), { ...data, candidate: candidate({ ...person, timeZone: data.candidate.timeZone, locale: 'sv-SE' }) }));
    }
    const runs = await eventually(async () => {
      const listed = await runsOf(applicationId);
      return listed.length >= 2 ? listed : undefined;
    }, 30_000, 200);
    // The recruiter records an SMS opt-out for the candidate: it must outlive the erasure, the number must not.
    expect((await t.api.call('acme', 'POST', '/api/v1/consent/opt-out', { channel: 'sms', contact: person.phone })).json().optedOut).toBe(true);
    const needles = [person.email, person.phone, person.firstName];
    expect(filesContaining(t.dir, needles).length).toBeGreaterThan(0);

    const erased = await t.api.call('acme', 'POST', '/api/v1/erasures', { candidateId: 'cand-1', applicationIds: [applicationId], contacts: { email: person.email, phone: person.phone } });
    expect(erased.statusCode).toBe(202);
    expect(erased.json()).toMatchObject({ journeys: [{ applicationId, journey: 'ended' }], deleted: { optOutsPseudonymised: 1 } });
    expect(erased.json().deleted.outboxMessages).toBeGreaterThan(0);

    const result = await t.client.workflow.getHandle(erasureWorkflowId('acme', applicationId)).result() as JourneyErasureResult;
    expect(result.journey).toBe('ended');
    expect(result.runsDeleted).toBeGreaterThanOrEqual(runs.length);
    await expectGoneFromTemporal(applicationId, runs);
    // The erasure workflow's own history names only ids.
    const own = JSON.stringify(await t.client.workflow.getHandle(erasureWorkflowId('acme', applicationId)).fetchHistory());
    for (const needle of needles) expect(own).not.toContain(needle);

    expect((await t.db.query('select histories_deleted_at from erased_applications where tenant_id = $1 and application_id = $2', ['acme', applicationId])).rows[0]).toMatchObject({ histories_deleted_at: expect.anything() });
    expect(await isOptedOut(t.db, 'acme', 'sms', person.phone)).toBe(true);
    expect((await t.api.call('acme', 'POST', '/api/v1/consent/status', { channel: 'sms', contact: person.phone })).json().optedOut).toBe(true);
    expect(filesContaining(t.dir, needles)).toEqual([]);
  });

  it('through the erased event (as ingest delivers it), also for a journey that had already ended', async () => {
    const running = await candidateWithMessages();
    const ended = await candidateWithMessages();
    await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId: ended.applicationId }, atsEvent('ats.application.withdrawn', Date.now(), ended.data));
    await t.client.workflow.getHandle(journeyWorkflowId('acme', ended.applicationId)).result();
    const needles = [running.person.email, running.person.phone, running.person.firstName, ended.person.email, ended.person.phone, ended.person.firstName];

    // Both at once. Before, an event for an ended journey was dead-lettered as journey-closed and its history kept.
    await Promise.all(
      [running, ended].map(async ({ applicationId }) => {
        const runs = await runsOf(applicationId);
        await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, atsEvent('ats.candidate.erased', Date.now(), { application: { id: applicationId }, candidate: { id: 'cand-9' } }));
        const result = (await t.client.workflow.getHandle(erasureWorkflowId('acme', applicationId)).result()) as JourneyErasureResult;
        expect(result).toMatchObject({ journey: 'ended', runsDeleted: runs.length });
        await expectGoneFromTemporal(applicationId, runs);
      }),
    );
    // The store was wiped by application (the addresses read from the ledger) and compacted by the worker.
    expect((await t.db.query('select 1 from outbox where application_id = any($1::text[])', [[running.applicationId, ended.applicationId]])).rows).toEqual([]);
    expect(filesContaining(t.dir, needles)).toEqual([]);
  });

  it('wipes and compacts the same way on a PostgreSQL server (pseudonymous opt-out still honoured)', async () => {
    const { db: server, drop } = await freshPostgresDatabase();
    try {
      await migrate(server);
      await server.query(`insert into tenants (id, name) values ('acme', 'Acme')`);
      await server.query(
        `insert into message_ledger (message_id, channel, tenant_id, application_id, template, locale, recipient, provider, status) values ('m1', 'email', 'acme', 'app-pg', 'applied.ack', 'en', 'PG.Person@example.com', 'sandbox', 'delivered')`,
      );
      await server.query(`insert into outbox (message_id, tenant_id, application_id, channel, recipient, locale, template, body) values ('m1', 'acme', 'app-pg', 'email', 'PG.Person@example.com', 'en', 'applied.ack', 'Hi')`);
      await server.query(`insert into unsubscribe_tokens (token_sha256, tenant_id, application_id, message_id, channel, expires_at) values ('x', 'acme', 'app-pg', 'm1', 'email', now() + interval '1 day')`);
      await optOut(server, 'acme', 'email', 'PG.Person@example.com', 'test');

      // The address comes from the ledger: an erasure by application id alone finds it.
      expect(await eraseCandidateData(server, { tenant: 'acme', applicationIds: ['app-pg'] })).toEqual({ outboxMessages: 1, inboundMessages: 0, ledgerEntriesRedacted: 1, unsubscribeTokens: 1, optOutsPseudonymised: 1 });
      await compactAfterErasure(server);
      const dump = JSON.stringify([
        ...(await server.query('select * from message_ledger')).rows,
        ...(await server.query('select * from outbox')).rows,
        ...(await server.query('select * from consent_opt_outs')).rows,
        ...(await server.query('select * from unsubscribe_tokens')).rows,
      ]).toLowerCase();
      expect(dump).not.toContain('pg.person@example.com');
      expect(await isOptedOut(server, 'acme', 'email', 'pg.person@example.com')).toBe(true);
      expect(await isOptedOut(server, 'acme', 'email', 'someone.else@example.com')).toBe(false);
    } finally {
      await server.close();
      await drop();
    }
  });

  it('sets the retention of the topics carrying personal data explicitly', async () => {
    const admin = testKafka('erasure-test').admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [TOPIC_ATS_EVENTS, TOPIC_ATS_DLQ].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'segment.ms'] })),
      });
      const config = Object.fromEntries(described.resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue]))]));
      expect(config).toEqual({
        [TOPIC_ATS_EVENTS]: { 'retention.ms': String(3 * 86_400_000), 'segment.ms': String(86_400_000) },
        [TOPIC_ATS_DLQ]: { 'retention.ms': String(7 * 86_400_000), 'segment.ms': String(86_400_000) },
      });
    } finally {
      await admin.disconnect();
    }
  });
});

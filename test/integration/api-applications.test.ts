import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { parse } from 'yaml';
import { signalJourney } from '../../core/temporal/journeys';
import { erasureWorkflowId, journeyStatusQuery, journeyWorkflowId } from '../../workflows/shared';
import type { JourneyDefinition } from '../../workflows/engine';
import { apiHarness, asList, type ApiHarness } from '../helpers/api-harness';
import { required, unique } from '../helpers/env';
import { atsEvent, candidate, daytimeZone } from '../helpers/events';
import { createTestWorld, testClient, withWorker, type TestWorld } from '../helpers/worker';

interface Listed {
  applicationId: string;
  stage: string;
  status: string;
  waitingSince: string;
  sla: string;
  lastMessage: { template: string; channel: string; at: string } | null;
  nextMessage: { template: string; dueAt: string } | null;
}

/** Polls `probe` until it returns a value (each probe is a real request). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('recruiter API: applications, against the Temporal dev server and a real worker', () => {
  const address = required('TEMPORAL_ADDRESS');
  const taskQueue = unique('api-apps');
  let temporal: Client;
  let world: TestWorld;
  let api: ApiHarness;
  const app1 = unique('app');
  const app2 = unique('app');

  beforeAll(async () => {
    temporal = await testClient(address);
    world = await createTestWorld();
    api = await apiHarness({ temporal, db: world.db });
  });
  afterAll(async () => {
    await api?.close();
    await temporal?.connection.close();
    await world?.db.close();
  });

  const run = <T>(fn: () => Promise<T>) => withWorker(address, taskQueue, fn, world);
  const start = (applicationId: string) =>
    signalJourney(temporal, taskQueue, { tenant: 'acme', applicationId }, atsEvent('ats.application.created', Date.now(), { application: { id: applicationId, jobId: 'job-7', jobTitle: 'Backend Engineer' }, candidate: candidate({ timeZone: daytimeZone() }) }));
  const listed = async (as: 'acme' | 'globex', query = '') => (await api.call(as, 'GET', `/api/v1/applications${query}`)).json().applications as Listed[];

  it('describes every application route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${api.base}/docs`)).json()) as { paths: Record<string, Record<string, unknown>> };
    // The operator's /admin/v1 routes are described too; admin-cli.test.ts checks them against their registrations.
    const described = Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/v1/')).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    // GET /api/v1/outbox is registered with the messaging routes; outbox-paging.test.ts checks its description.
    expect(described.filter((r) => r !== 'GET /api/v1/outbox').sort()).toEqual([...api.routes].sort());
  });

  it('lists open applications by stage and waiting time, shows one timeline, and takes recruiter actions', () =>
    run(async () => {
      await start(app1);
      await start(app2);
      // Each journey writes its own board row right after its decision (a local activity): wait for both acknowledgements.
      const board = await eventually(async () => {
        const items = await listed('acme');
        const ours = items.filter((i) => i.applicationId === app1 || i.applicationId === app2);
        return ours.length === 2 && ours.every((i) => i.lastMessage?.template === 'applied.ack') ? ours : undefined;
      });
      expect(board.map((i) => i.stage)).toEqual(['applied', 'applied']);
      expect(board.every((i) => i.sla === 'ok' && i.status === 'open' && i.nextMessage !== null && i.waitingSince === i.lastMessage!.at)).toBe(true);
      expect((await listed('acme', '?stage=applied')).map((i) => i.applicationId)).toEqual(expect.arrayContaining([app1, app2]));
      expect((await listed('acme', '?stage=offer')).map((i) => i.applicationId)).not.toContain(app1);
      expect((await listed('acme', '?waitingSinceBefore=2020-01-01T00:00:00Z')).map((i) => i.applicationId)).not.toContain(app1);
      expect((await listed('acme', `?waitingSinceBefore=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).map((i) => i.applicationId)).toContain(app1);
      expect((await listed('acme', '?sla=breached')).map((i) => i.applicationId)).not.toContain(app1);

      const detail = await eventually(async () => {
        const body = (await api.call('acme', 'GET', `/api/v1/applications/${app1}`)).json();
        return asList<{ type: string }>(body.timeline ?? []).some((e) => e.type === 'message.delivered') ? (body as Record<string, unknown> & { status: unknown; timeline: unknown }) : undefined;
      });
      expect(detail.status).toMatchObject({ tenant: 'acme', applicationId: app1, stage: 'applied', paused: false, definitionVersion: expect.stringMatching(/^default-sv@/) });
      const delivered = asList<{ type: string }>(detail.timeline).find((e) => e.type === 'message.delivered');
      expect(delivered).toMatchObject({ template: 'applied.ack', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      // Served from the store the journey writes with its board row, as its workflow queries give them (?source=workflow).
      const served = await eventually(async () => {
        const stored = (await api.call('acme', 'GET', `/api/v1/applications/${app1}`)).json();
        const live = (await api.call('acme', 'GET', `/api/v1/applications/${app1}?source=workflow`)).json();
        return stored.source === 'store' && isDeepStrictEqual(stored.timeline, live.timeline) && isDeepStrictEqual(stored.status, live.status) ? { stored, live } : undefined;
      });
      expect(served.live.source).toBe('workflow');
      expect(served.stored).toEqual({ ...served.live, source: 'store' });

      const paused = await api.call('acme', 'POST', `/api/v1/applications/${app1}/pause`);
      expect(paused.statusCode).toBe(200);
      expect(paused.json().status.paused).toBe(true);
      const resumed = await api.call('acme', 'POST', `/api/v1/applications/${app1}/resume`);
      expect(resumed.json().status.paused).toBe(false);
      const sent = await api.call('acme', 'POST', `/api/v1/applications/${app1}/send-now`, { template: 'status.update' });
      expect(sent.statusCode).toBe(200);
      const rejected = await api.call('acme', 'POST', `/api/v1/applications/${app1}/send-now`, { template: 'offer.nothing' });
      expect(rejected.statusCode).toBe(409);
      expect(rejected.json().error).toMatchObject({ code: 'action_rejected', message: 'The journey has no message with template "offer.nothing"' });
      const invalid = await api.call('acme', 'POST', `/api/v1/applications/${app1}/send-now`, { template: 'Nope' });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error.details[0].path).toBe('template');
      const noBody = await api.call('acme', 'POST', `/api/v1/applications/${app1}/send-now`, {});
      expect(noBody.json().error.details[0].path).toBe('template');
      expect((await api.call('acme', 'GET', '/api/v1/applications?stage=nowhere')).json().error.details[0].path).toBe('stage');

      const missing = await api.call('acme', 'GET', `/api/v1/applications/${unique('never')}`);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('application_not_found');
      expect((await api.call('acme', 'POST', `/api/v1/applications/${unique('never')}/pause`)).statusCode).toBe(404);
    }));

  it('never lets another tenant list, read or act on an application', () =>
    run(async () => {
      expect((await listed('globex')).map((i) => i.applicationId)).not.toContain(app1);
      for (const filter of ['?stage=applied', '?sla=ok', `?waitingSinceBefore=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`]) {
        expect((await listed('globex', filter)).map((i) => i.applicationId)).not.toContain(app1);
      }
      for (const [method, path] of [
        ['GET', ''],
        ['GET', '?source=workflow'],
        ['POST', '/pause'],
        ['POST', '/resume'],
      ] as const) {
        const response = await api.call('globex', method, `/api/v1/applications/${app1}${path}`);
        expect([path, response.statusCode, response.json().error.code]).toEqual([path, 404, 'application_not_found']);
      }
      expect((await api.call('globex', 'POST', `/api/v1/applications/${app1}/send-now`, { template: 'status.update' })).statusCode).toBe(404);
      const status = await temporal.workflow.getHandle(journeyWorkflowId('acme', app1)).query(journeyStatusQuery);
      expect(status.paused).toBe(false);
    }));

  it('publishing a version signals no journey; the running journeys on that journey take it at their next stage change', () =>
    run(async () => {
      const definition = parse(readFileSync(join(__dirname, '..', '..', 'journeys', 'default-sv.yaml'), 'utf8')) as JourneyDefinition;
      definition.stages.screening.onEnter[0]!.text!.sv!.body = 'Hej {{ candidate.firstName }}! Version två av vår resa.';
      expect((await api.call('acme', 'PUT', '/api/v1/journeys/default-sv/draft', definition)).statusCode).toBe(201);
      // globex has its own journeys: publishing its version must not touch acme's.
      await api.call('globex', 'PUT', '/api/v1/journeys/default-sv/draft', definition);
      expect((await api.call('globex', 'POST', '/api/v1/journeys/default-sv/publish')).json().runningJourneys).toEqual({ following: 0, upgradesAt: 'next-stage-change' });

      const published = await api.call('acme', 'POST', '/api/v1/journeys/default-sv/publish');
      expect(published.statusCode).toBe(201);
      expect(published.json()).toMatchObject({ version: 1, label: 'default-sv@v1', runningJourneys: { upgradesAt: 'next-stage-change' } });
      // Both open journeys on default-sv will move (others of this file's worker may be open on the board too).
      expect(published.json().runningJourneys.following).toBeGreaterThanOrEqual(2);
      // The publish itself sent nothing to any running journey.
      for (const applicationId of [app1, app2]) {
        const history = await temporal.workflow.getHandle(journeyWorkflowId('acme', applicationId)).fetchHistory();
        expect((history.events ?? []).flatMap((e) => (e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName] : []))).not.toContain('definitionPublished');
      }
      // The candidate stays in a time zone where it is office hours now, so the stage's message goes at once.
      await signalJourney(temporal, taskQueue, { tenant: 'acme', applicationId: app1 }, atsEvent('ats.application.stage_changed', Date.now(), { application: { id: app1 }, candidate: candidate({ timeZone: daytimeZone() }), stage: { to: { id: 's2', name: 'Screen', category: 'screening' } } }));
      const status = await eventually(async () => {
        const body = (await api.call('acme', 'GET', `/api/v1/applications/${app1}`)).json();
        return body.status.stage === 'screening' ? (body.status as Record<string, unknown>) : undefined;
      });
      expect(status.definitionVersion).toBe('default-sv@v1');
      const timeline = asList<{ type: string; version?: string }>((await api.call('acme', 'GET', `/api/v1/applications/${app1}`)).json().timeline);
      expect(timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'definition.upgraded', version: 'default-sv@v1' })]));
      const sent = await eventually(async () => {
        const { rows } = await world.db.query<{ body: string }>("select body from outbox where application_id = $1 and template = 'screening.started'", [app1]);
        return rows[0];
      });
      expect(sent.body).toContain('Version två');
      // The other application has not changed stage, so it still runs its old version.
      const other = (await api.call('acme', 'GET', `/api/v1/applications/${app2}`)).json();
      expect(other.status.definitionVersion).toMatch(/^default-sv@(?!v1)/);
    }));

  it('erasing a candidate ends their running journey without further contact and deletes their messages; another tenant cannot', () =>
    run(async () => {
      const outboxRows = async (applicationId: string) => (await world.db.query('select 1 from outbox where application_id = $1', [applicationId])).rows.length;
      expect(await outboxRows(app2)).toBeGreaterThan(0);

      const foreign = await api.call('globex', 'POST', '/api/v1/erasures', { candidateId: 'cand-1', applicationIds: [app2] });
      expect(foreign.json().journeys).toEqual([{ applicationId: app2, journey: 'not-running' }]);
      expect(await outboxRows(app2)).toBeGreaterThan(0);

      const erased = await api.call('acme', 'POST', '/api/v1/erasures', { candidateId: 'cand-1', applicationIds: [app2] });
      expect(erased.statusCode).toBe(202);
      expect(erased.json().journeys).toEqual([{ applicationId: app2, journey: 'ended' }]);
      expect(await outboxRows(app2)).toBe(0);
      // The journey ended on the erasure, then the erasure workflow deleted its history (every run).
      const erasure = await temporal.workflow.getHandle(erasureWorkflowId('acme', app2)).result();
      expect(erasure).toMatchObject({ journey: 'ended', runsDeleted: 1 });
      await expect(temporal.workflow.getHandle(journeyWorkflowId('acme', app2)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      expect(world.published).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'candor.journey.journey.completed', applicationId: app2, data: expect.objectContaining({ outcome: 'erased' }) })]));
      expect(await outboxRows(app2)).toBe(0);
      // Off the board, and its board row keeps nothing about the candidate.
      await eventually(async () => ((await listed('acme')).some((i) => i.applicationId === app2) ? undefined : true));
      const boardRow = await world.db.query('select status, outcome, time_zone, locale, last_message_template, last_message_at, next_message_template from journey_board where application_id = $1', [app2]);
      expect(boardRow.rows).toEqual([{ status: 'completed', outcome: 'erased', time_zone: null, locale: null, last_message_template: null, last_message_at: null, next_message_template: null }]);
      // Its store-served status and timeline are gone with it: the application is unknown, as its history is.
      expect((await world.db.query('select 1 from journey_timeline where tenant_id = $1 and application_id = $2', ['acme', app2])).rows).toEqual([]);
      expect((await world.db.query('select detail from journey_board where tenant_id = $1 and application_id = $2', ['acme', app2])).rows).toEqual([{ detail: null }]);
      const shown = await api.call('acme', 'GET', `/api/v1/applications/${app2}`);
      expect([shown.statusCode, shown.json().error.code]).toEqual([404, 'application_not_found']);
      // An erased journey takes no recruiter action: its history is gone, so there is no such application any more.
      const late = await api.call('acme', 'POST', `/api/v1/applications/${app2}/pause`);
      expect(late.statusCode).toBe(404);
      expect(late.json().error.code).toBe('application_not_found');
    }));
});

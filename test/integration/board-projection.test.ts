import type { Client } from '@temporalio/client';
import { isDeepStrictEqual } from 'node:util';
import { temporal as proto } from '@temporalio/proto';
import { projectJourney } from '../../core/store/board';
import { eraseCandidateData } from '../../core/store/erasure';
import { signalJourney } from '../../core/temporal/journeys';
import { journeyWorkflowId, type JourneyBoardEntry } from '../../workflows/shared';
import { TIMELINE_LIMIT, type TimelineEntry } from '../../workflows/engine';
import { apiHarness, type ApiHarness } from '../helpers/api-harness';
import { databaseKinds, type FreshDatabase } from '../helpers/databases';
import { required, unique } from '../helpers/env';
import { atsEvent, candidate, daytimeZone } from '../helpers/events';
import { createTestWorld, testClient, withWorker, type TestWorld } from '../helpers/worker';

/** An item of GET /api/v1/applications. */
interface BoardItem {
  applicationId: string;
  stage: string;
  status: string;
  paused: boolean;
  waitingSince: string;
  startedAt: string | null;
  timeZone: string | null;
  locale: string | null;
  lastMessage: { template: string; channel: string | null; at: string } | null;
  nextMessage: { template: string; dueAt: string } | null;
  sla: 'breached' | 'ok';
  openAlerts: number;
  alertReasons: string[];
}
interface BoardPage {
  applications: BoardItem[];
  total: number;
  truncated: boolean;
  nextCursor: string | null;
}

/** Polls `probe` until it returns a value (each probe is a real request or query). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const board = async (api: ApiHarness, as: 'acme' | 'globex', query = '') => {
  const response = await api.call(as, 'GET', `/api/v1/applications${query}`);
  expect(response.statusCode).toBe(200);
  return response.json<BoardPage>();
};

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MINUTE = 60_000;
/** A board entry as a journey writes it, `waitedMinutes` after T0. */
const entry = (tenant: string, applicationId: string, waitedMinutes: number, overrides: Partial<JourneyBoardEntry> = {}): JourneyBoardEntry => ({
  tenant,
  applicationId,
  journeyId: 'default-sv',
  definitionVersion: 'default-sv@abc123',
  status: 'open',
  outcome: null,
  stage: 'applied',
  paused: false,
  timeZone: 'Europe/Stockholm',
  locale: 'sv-SE',
  startedAt: T0,
  waitingSince: T0 + waitedMinutes * MINUTE,
  lastMessage: { template: 'applied.ack', channel: 'email', at: T0 + waitedMinutes * MINUTE },
  nextMessage: { template: 'applied.still-reviewing', dueAt: T0 + 5 * 86_400_000 },
  seq: 1,
  ...overrides,
});

const DAY = 86_400_000;
/** A status detail as a journey writes it with its board row (its status query less tenant and application id). */
const detail = (overrides: Partial<NonNullable<JourneyBoardEntry['detail']>> = {}): NonNullable<JourneyBoardEntry['detail']> => ({
  eventsApplied: 1,
  lastEventType: 'ats.application.created',
  completed: false,
  status: 'open',
  stage: 'applied',
  paused: false,
  definitionVersion: 'default-sv@abc123',
  timeZone: 'Europe/Stockholm',
  locale: 'sv-SE',
  lastMessageAt: T0 + MINUTE,
  nextWakeUp: T0 + 5 * DAY,
  scheduled: [{ template: 'applied.still-reviewing', purpose: 'follow-up', dueAt: T0 + 5 * DAY }],
  ...overrides,
});
/** Timeline entries 0-3 of one journey. */
const entries: TimelineEntry[] = [
  { at: T0, type: 'journey.started', version: 'default-sv@abc123' },
  { at: T0, type: 'message.scheduled', template: 'applied.ack', purpose: 'ack', messageId: 'm-1', dueAt: T0 },
  { at: T0 + MINUTE, type: 'message.dispatched', template: 'applied.ack', channel: 'email', messageId: 'm-1', dueAt: T0 },
  { at: T0 + 2 * DAY, type: 'stage.entered', stage: 'screening', eventId: 'ev-2', eventType: 'ats.application.stage_changed' },
];
/** A status or timeline entry as the API shows it: times as ISO strings. */
const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const shownEntry = (e: TimelineEntry) => ({ ...e, at: iso(e.at), ...(e.dueAt !== undefined ? { dueAt: iso(e.dueAt) } : {}) });
const shownStatus = (tenant: string, applicationId: string, d: NonNullable<JourneyBoardEntry['detail']>) => ({
  tenant,
  applicationId,
  ...d,
  lastMessageAt: iso(d.lastMessageAt),
  nextWakeUp: iso(d.nextWakeUp),
  scheduled: d.scheduled.map((m) => ({ ...m, dueAt: iso(m.dueAt) })),
});

describe.each(databaseKinds)('the candidates board on %s (journey_board, through the HTTP API)', (_kind, create) => {
  let ctx: FreshDatabase;
  let temporal: Client;
  let api: ApiHarness;
  beforeAll(async () => {
    ctx = await create();
    // The board route needs no Temporal; the harness's other routes do.
    temporal = await testClient(required('TEMPORAL_ADDRESS'));
    api = await apiHarness({ temporal, db: ctx.db });
  });
  afterAll(async () => {
    await api?.close();
    await temporal?.connection.close();
    await ctx?.db.close();
    await ctx?.drop();
  });

  it('keeps each row at its highest seq: a retried or late write never goes backwards', async () => {
    await projectJourney(ctx.db, entry('acme', 'seq-1', 0, { seq: 2, stage: 'screening' }));
    await projectJourney(ctx.db, entry('acme', 'seq-1', 0, { seq: 1, stage: 'applied' }));
    await projectJourney(ctx.db, entry('acme', 'seq-1', 0, { seq: 2, stage: 'offer' }));
    const stage = async () => (await ctx.db.query<{ stage: string; seq: string | number }>("select stage, seq from journey_board where application_id = 'seq-1'")).rows[0];
    expect(await stage()).toMatchObject({ stage: 'screening' });
    await projectJourney(ctx.db, entry('acme', 'seq-1', 0, { seq: 3, stage: 'interview' }));
    expect(Number((await stage())!.seq)).toBe(3);
    expect((await stage())!.stage).toBe('interview');
    await ctx.db.query("delete from journey_board where application_id = 'seq-1'");
  });

  it('lists open journeys longest waiting first with stage, last and next message, filters, SLA and pages; tenants never see each other', async () => {
    // Written out of order; one closing (still open to the recruiter), one completed (off the board).
    await projectJourney(ctx.db, entry('acme', 'b-3', 30, { stage: 'screening', lastMessage: { template: 'screening.started', channel: 'sms', at: T0 + 30 * MINUTE } }));
    await projectJourney(ctx.db, entry('acme', 'b-1', 10));
    await projectJourney(ctx.db, entry('acme', 'b-4', 40, { status: 'closing', stage: 'rejected', nextMessage: { template: 'rejected.closing', dueAt: T0 + 86_400_000 } }));
    await projectJourney(ctx.db, entry('acme', 'b-2', 20, { paused: true, nextMessage: null }));
    await projectJourney(ctx.db, entry('acme', 'b-0', 5, { status: 'completed', outcome: 'withdrawn', stage: 'withdrawn' }));
    // Same waiting time: the application id decides, so paging is stable.
    await projectJourney(ctx.db, entry('acme', 'b-2a', 20));
    // Another tenant, with the same application id as one of acme's and an earlier wait.
    await projectJourney(ctx.db, entry('globex', 'b-1', 1, { stage: 'offer' }));
    await ctx.db.query(
      `insert into recruiter_alerts (alert_id, tenant_id, application_id, reason, days, acknowledged_at) values
         ('a-1', 'acme', 'b-3', 'max-silence', null, null),
         ('a-2', 'acme', 'b-3', 'waiting', 6, null),
         ('a-3', 'acme', 'b-3', 'waiting', 7, null),
         ('a-4', 'acme', 'b-1', 'waiting', 6, now()),
         ('a-5', 'globex', 'b-1', 'max-silence', null, null)`,
    );

    const all = await board(api, 'acme');
    expect(all.applications.map((a) => a.applicationId)).toEqual(['b-1', 'b-2', 'b-2a', 'b-3', 'b-4']);
    expect(all).toMatchObject({ total: 5, truncated: false, nextCursor: null });
    expect(all.applications[0]).toEqual({
      applicationId: 'b-1',
      stage: 'applied',
      status: 'open',
      paused: false,
      waitingSince: new Date(T0 + 10 * MINUTE).toISOString(),
      startedAt: new Date(T0).toISOString(),
      timeZone: 'Europe/Stockholm',
      locale: 'sv-SE',
      journeyId: 'default-sv',
      definitionVersion: 'default-sv@abc123',
      lastMessage: { template: 'applied.ack', channel: 'email', at: new Date(T0 + 10 * MINUTE).toISOString() },
      nextMessage: { template: 'applied.still-reviewing', dueAt: new Date(T0 + 5 * 86_400_000).toISOString() },
      // Its only alert was acknowledged; globex's alert on its own b-1 is not acme's.
      sla: 'ok',
      openAlerts: 0,
      alertReasons: [],
      // No ATS event reached ingest for these rows, so there is no sealed name, job or recruiter to show.
      candidateName: null,
      jobTitle: null,
      recruiterName: null,
      atsUrl: null,
    });
    expect(all.applications[1]).toMatchObject({ applicationId: 'b-2', paused: true, nextMessage: null });
    expect(all.applications[3]).toMatchObject({ applicationId: 'b-3', stage: 'screening', sla: 'breached', openAlerts: 3, alertReasons: ['max-silence', 'waiting'], lastMessage: { channel: 'sms' } });
    expect(all.applications[4]).toMatchObject({ applicationId: 'b-4', status: 'closing', stage: 'rejected' });

    const ids = (page: BoardPage) => page.applications.map((a) => a.applicationId);
    expect(ids(await board(api, 'acme', '?stage=screening'))).toEqual(['b-3']);
    expect(ids(await board(api, 'acme', '?stage=applied'))).toEqual(['b-1', 'b-2', 'b-2a']);
    expect(ids(await board(api, 'acme', '?sla=breached'))).toEqual(['b-3']);
    expect(ids(await board(api, 'acme', '?sla=ok'))).toEqual(['b-1', 'b-2', 'b-2a', 'b-4']);
    const before = encodeURIComponent(new Date(T0 + 20 * MINUTE).toISOString());
    expect(ids(await board(api, 'acme', `?waitingSinceBefore=${before}`))).toEqual(['b-1']);
    const combined = await board(api, 'acme', `?stage=applied&sla=ok&waitingSinceBefore=${encodeURIComponent(new Date(T0 + 25 * MINUTE).toISOString())}`);
    expect(ids(combined)).toEqual(['b-1', 'b-2', 'b-2a']);
    expect(combined.total).toBe(3);

    // Paging: follow nextCursor; every page has the whole total; together they are the whole board.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: BoardPage = await board(api, 'acme', `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.total).toBe(5);
      paged.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(ids(all));
    const bad = await api.call('acme', 'GET', '/api/v1/applications?cursor=nonsense');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('cursor');

    // globex sees only its own b-1, breached by its own alert; acme's cursor shows globex nothing of acme's.
    const theirs = await board(api, 'globex');
    expect(theirs.applications).toEqual([expect.objectContaining({ applicationId: 'b-1', stage: 'offer', sla: 'breached', alertReasons: ['max-silence'] })]);
    expect(theirs.total).toBe(1);
    const firstPage = await board(api, 'acme', '?limit=1');
    expect(ids(await board(api, 'globex', `?cursor=${encodeURIComponent(firstPage.nextCursor!)}`))).toEqual([]);
  });

  it('keeps nothing about the candidate once a journey has completed', async () => {
    await projectJourney(ctx.db, entry('acme', 'gone-1', 50, { seq: 4, detail: detail(), timeline: { from: 0, entries: entries.slice(0, 3) } }));
    const closed = detail({ completed: true, status: 'completed', stage: 'withdrawn', lastEventType: 'ats.application.withdrawn', eventsApplied: 2 });
    await projectJourney(ctx.db, entry('acme', 'gone-1', 50, { seq: 5, status: 'completed', outcome: 'erased', detail: closed, timeline: { from: 3, entries: [] } }));
    const { rows } = await ctx.db.query('select * from journey_board where application_id = $1', ['gone-1']);
    expect(rows[0]).toMatchObject({ status: 'completed', outcome: 'erased', time_zone: null, locale: null, last_message_template: null, last_message_at: null, next_message_template: null, next_message_at: null });
    expect((await board(api, 'acme')).applications.map((a) => a.applicationId)).not.toContain('gone-1');
    // Its status keeps ids, stage and counts: no time zone, locale, message times or scheduled messages.
    const shown = await api.call('acme', 'GET', '/api/v1/applications/gone-1');
    expect(shown.json()).toMatchObject({ source: 'store', status: { completed: true, status: 'completed', stage: 'withdrawn', eventsApplied: 2, lastMessageAt: null, nextWakeUp: null, scheduled: [] } });
    expect(shown.json().status).not.toHaveProperty('timeZone');
    expect(shown.json().status).not.toHaveProperty('locale');
  });

  it('serves a journey\'s status and timeline from the store: each entry number once, a late write changes nothing, tenants apart', async () => {
    await projectJourney(ctx.db, entry('acme', 'tl-1', 0, { seq: 1, detail: detail(), timeline: { from: 0, entries: entries.slice(0, 2) } }));
    // The next write repeats entry 1 (a retried write) and brings 2 and 3.
    const later = detail({ stage: 'screening', eventsApplied: 2, lastEventType: 'ats.application.stage_changed' });
    await projectJourney(ctx.db, entry('acme', 'tl-1', 0, { seq: 2, stage: 'screening', detail: later, timeline: { from: 1, entries: entries.slice(1) } }));
    // The first write again, late: its row does not land and its entries are there already.
    await projectJourney(ctx.db, entry('acme', 'tl-1', 0, { seq: 1, detail: detail(), timeline: { from: 0, entries: entries.slice(0, 2) } }));
    // Another tenant's journey with the same application id and a timeline of its own.
    const theirs = detail({ stage: 'offer', timeZone: 'America/New_York', locale: 'en-US' });
    await projectJourney(ctx.db, entry('globex', 'tl-1', 0, { seq: 7, stage: 'offer', detail: theirs, timeline: { from: 0, entries: entries.slice(0, 1) } }));

    const ours = await api.call('acme', 'GET', '/api/v1/applications/tl-1');
    expect(ours.statusCode).toBe(200);
    const noPeople = { candidateName: null, jobTitle: null, recruiterName: null, atsUrl: null };
    expect(ours.json()).toEqual({ applicationId: 'tl-1', workflowId: journeyWorkflowId('acme', 'tl-1'), source: 'store', ...noPeople, status: shownStatus('acme', 'tl-1', later), timeline: entries.map(shownEntry) });
    const other = await api.call('globex', 'GET', '/api/v1/applications/tl-1');
    expect(other.json()).toEqual({ applicationId: 'tl-1', workflowId: journeyWorkflowId('globex', 'tl-1'), source: 'store', ...noPeople, status: shownStatus('globex', 'tl-1', theirs), timeline: entries.slice(0, 1).map(shownEntry) });
    const numbers = await ctx.db.query<{ n: number }>("select n from journey_timeline where tenant_id = 'acme' and application_id = 'tl-1' order by n");
    expect(numbers.rows.map((r) => Number(r.n))).toEqual([0, 1, 2, 3]);

    // ?source=workflow asks the journey itself (there is none behind these rows), and nothing else is accepted.
    const live = await api.call('acme', 'GET', '/api/v1/applications/tl-1?source=workflow');
    expect([live.statusCode, live.json().error.code]).toEqual([404, 'application_not_found']);
    const bad = await api.call('acme', 'GET', '/api/v1/applications/tl-1?source=cache');
    expect([bad.statusCode, bad.json().error.details[0].path]).toEqual([400, 'source']);
  });

  it('asks the workflow when the store cannot answer: a row from older code without detail, or a timeline missing an entry', async () => {
    await projectJourney(ctx.db, entry('acme', 'old-1', 0));
    const old = await api.call('acme', 'GET', '/api/v1/applications/old-1');
    expect([old.statusCode, old.json().error.code]).toEqual([404, 'application_not_found']);

    // Entry 1 never landed: the store does not show a timeline with a hole.
    await projectJourney(ctx.db, entry('acme', 'gap-1', 0, { seq: 1, detail: detail(), timeline: { from: 0, entries: entries.slice(0, 1) } }));
    await projectJourney(ctx.db, entry('acme', 'gap-1', 0, { seq: 2, detail: detail(), timeline: { from: 2, entries: entries.slice(2) } }));
    expect((await api.call('acme', 'GET', '/api/v1/applications/gap-1')).statusCode).toBe(404);
    await projectJourney(ctx.db, entry('acme', 'gap-1', 0, { seq: 3, detail: detail(), timeline: { from: 1, entries: entries.slice(1) } }));
    const filled = await api.call('acme', 'GET', '/api/v1/applications/gap-1');
    expect(filled.json()).toMatchObject({ source: 'store', timeline: entries.map(shownEntry) });
  });

  it('shows the latest TIMELINE_LIMIT entries, as the journey keeps them, also when its first write starts past 0', async () => {
    const many = Array.from({ length: TIMELINE_LIMIT + 10 }, (_, n): TimelineEntry => ({ at: T0 + n * MINUTE, type: 'message.delivered', template: 'applied.ack', messageId: `m-${n}` }));
    await projectJourney(ctx.db, entry('acme', 'long-1', 0, { seq: 1, detail: detail(), timeline: { from: 0, entries: many } }));
    expect((await api.call('acme', 'GET', '/api/v1/applications/long-1')).json()).toMatchObject({ source: 'store', timeline: many.slice(10).map(shownEntry) });
    // A journey that had already dropped its oldest entries when it first wrote here (numbers 0-39 never come).
    await projectJourney(ctx.db, entry('acme', 'long-2', 0, { seq: 1, detail: detail(), timeline: { from: 40, entries } }));
    expect((await api.call('acme', 'GET', '/api/v1/applications/long-2')).json()).toMatchObject({ source: 'store', timeline: entries.map(shownEntry) });
  });

  it('erasure deletes the journey\'s timeline and status detail, and only that tenant\'s', async () => {
    for (const tenant of ['acme', 'globex']) {
      await projectJourney(ctx.db, entry(tenant, 'erase-1', 0, { seq: 1, detail: detail(), timeline: { from: 0, entries } }));
    }
    await eraseCandidateData(ctx.db, { tenant: 'acme', applicationIds: ['erase-1'] });
    const left = await ctx.db.query<{ tenant_id: string; n: number }>("select tenant_id, count(*)::int as n from journey_timeline where application_id = 'erase-1' group by tenant_id");
    expect(left.rows.map((r) => [r.tenant_id, Number(r.n)])).toEqual([['globex', 4]]);
    const details = await ctx.db.query<{ tenant_id: string; detail: unknown }>("select tenant_id, detail from journey_board where application_id = 'erase-1' order by tenant_id");
    expect(details.rows.map((r) => [r.tenant_id, r.detail === null])).toEqual([
      ['acme', true],
      ['globex', false],
    ]);
    // Nothing in the store for it, and no journey history behind it: gone.
    const erased = await api.call('acme', 'GET', '/api/v1/applications/erase-1');
    expect([erased.statusCode, erased.json().error.code]).toEqual([404, 'application_not_found']);
    expect((await api.call('globex', 'GET', '/api/v1/applications/erase-1')).json()).toMatchObject({ source: 'store', timeline: entries.map(shownEntry) });
  });
});

describe('the board follows real journeys (Temporal dev server, real worker and activities)', () => {
  const address = required('TEMPORAL_ADDRESS');
  const taskQueue = unique('board');
  let temporal: Client;
  let world: TestWorld;
  let api: ApiHarness;

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
  const zone = daytimeZone();
  const send = (tenant: string, applicationId: string, type: string, data: Record<string, unknown> = {}) =>
    signalJourney(temporal, taskQueue, { tenant, applicationId }, atsEvent(type, Date.now(), { application: { id: applicationId, jobId: 'job-7', jobTitle: 'Backend Engineer' }, candidate: candidate({ timeZone: zone }), ...data }));
  const item = async (tenant: 'acme' | 'globex', applicationId: string) => (await board(api, tenant)).applications.find((a) => a.applicationId === applicationId);
  const itemWhen = (tenant: 'acme' | 'globex', applicationId: string, ok: (i: BoardItem) => boolean) =>
    eventually(async () => {
      const found = await item(tenant, applicationId);
      return found && ok(found) ? found : undefined;
    });

  it('shows stage, last and next message as the journey moves, orders by waiting time, and drops the journey when it ends', () =>
    run(async () => {
      const first = unique('app');
      const second = unique('app');
      await send('acme', first, 'ats.application.created');
      const acked = await itemWhen('acme', first, (i) => i.lastMessage?.template === 'applied.ack');
      await send('acme', second, 'ats.application.created');
      await itemWhen('acme', second, (i) => i.lastMessage?.template === 'applied.ack');

      expect(acked).toMatchObject({ stage: 'applied', status: 'open', paused: false, timeZone: zone, locale: 'sv-SE', sla: 'ok', lastMessage: { template: 'applied.ack', channel: 'email' } });
      // Waiting since the acknowledgement; the next message is due later (a follow-up or the status update that ends a silence).
      expect(acked.waitingSince).toBe(acked.lastMessage!.at);
      expect(Date.parse(acked.nextMessage!.dueAt)).toBeGreaterThan(Date.parse(acked.waitingSince));
      const order = async () => (await board(api, 'acme')).applications.map((a) => a.applicationId).filter((id) => id === first || id === second);
      expect(await order()).toEqual([first, second]);

      // A stage change: new stage, its message is the last one, and the first candidate has now waited least.
      await send('acme', first, 'ats.application.stage_changed', { stage: { to: { id: 's2', name: 'Screen', category: 'screening' } } });
      const screening = await itemWhen('acme', first, (i) => i.stage === 'screening' && i.lastMessage?.template === 'screening.started');
      expect(Date.parse(screening.waitingSince)).toBeGreaterThan(Date.parse(acked.waitingSince));
      expect(await order()).toEqual([second, first]);
      expect((await board(api, 'acme', '?stage=screening')).applications.map((a) => a.applicationId)).toContain(first);
      expect((await board(api, 'acme', '?stage=screening')).applications.map((a) => a.applicationId)).not.toContain(second);

      // A recruiter pause shows at once (the update returns after the journey applied it; the board write follows).
      expect((await api.call('acme', 'POST', `/api/v1/applications/${second}/pause`)).statusCode).toBe(200);
      await itemWhen('acme', second, (i) => i.paused);
      expect((await api.call('acme', 'POST', `/api/v1/applications/${second}/resume`)).statusCode).toBe(200);
      await itemWhen('acme', second, (i) => !i.paused);

      // Another tenant's board never shows them.
      expect((await board(api, 'globex')).applications.map((a) => a.applicationId)).not.toContain(first);

      // Withdrawn: the closing message goes, the journey completes and leaves the board.
      await send('acme', first, 'ats.application.withdrawn');
      await temporal.workflow.getHandle(journeyWorkflowId('acme', first)).result();
      await eventually(async () => ((await item('acme', first)) ? undefined : true));
      const { rows } = await world.db.query('select status, outcome, stage, time_zone, locale, last_message_template, next_message_template from journey_board where tenant_id = $1 and application_id = $2', ['acme', first]);
      expect(rows).toEqual([{ status: 'completed', outcome: 'withdrawn', stage: 'withdrawn', time_zone: null, locale: null, last_message_template: null, next_message_template: null }]);

      // The board costs each write one marker event in the journey's history (a local activity), no task-queue round trip.
      const history = await temporal.workflow.getHandle(journeyWorkflowId('acme', first)).fetchHistory();
      const types = (history.events ?? []).map((e) => proto.api.enums.v1.EventType[e.eventType!]);
      expect(types.filter((t) => t === 'EVENT_TYPE_MARKER_RECORDED').length).toBeGreaterThanOrEqual(4);
      const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
      expect(scheduled).not.toContain('projectJourney');
    }));

  it('serves status and timeline from the store as the journey\'s own queries give them, for two tenants with one application id', () =>
    run(async () => {
      const applicationId = unique('app');
      type Detail = { source: string; status: Record<string, unknown>; timeline: { type: string }[] };
      const detailOf = async (tenant: 'acme' | 'globex', query = '') => (await api.call(tenant, 'GET', `/api/v1/applications/${applicationId}${query}`)).json<Detail>();
      /** The store's answer once it has caught up with the journey (`ready`) and equals the workflow queries' answer. */
      const converged = (tenant: 'acme' | 'globex', ready: (d: Detail) => boolean) =>
        eventually(async () => {
          const stored = await detailOf(tenant);
          if (stored.source !== 'store' || !ready(stored)) return undefined;
          const live = await detailOf(tenant, '?source=workflow');
          return live.source === 'workflow' && isDeepStrictEqual(stored.status, live.status) && isDeepStrictEqual(stored.timeline, live.timeline) ? stored : undefined;
        });
      await send('acme', applicationId, 'ats.application.created');
      await send('globex', applicationId, 'ats.application.created');
      for (const tenant of ['acme', 'globex'] as const) {
        const shown = await converged(tenant, (d) => d.timeline.some((e) => e.type === 'message.delivered'));
        expect(shown.status).toMatchObject({ tenant, applicationId, stage: 'applied', completed: false });
        expect(shown.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['journey.started', 'message.dispatched', 'message.delivered']));
      }
      // One tenant's journey moves on; the other's store answer stays as it was.
      await send('acme', applicationId, 'ats.application.stage_changed', { stage: { to: { id: 's2', name: 'Screen', category: 'screening' } } });
      const moved = await converged('acme', (d) => d.status.stage === 'screening' && d.timeline.some((e) => e.type === 'stage.entered'));
      expect(moved.timeline.length).toBeGreaterThan((await detailOf('globex')).timeline.length);
      expect((await detailOf('globex')).status).toMatchObject({ tenant: 'globex', stage: 'applied' });
      const rows = await world.db.query<{ tenant_id: string; n: number }>('select tenant_id, count(*)::int as n from journey_timeline where application_id = $1 group by tenant_id order by tenant_id', [applicationId]);
      expect(rows.rows.map((r) => [r.tenant_id, Number(r.n)])).toEqual([
        ['acme', moved.timeline.length],
        ['globex', (await detailOf('globex')).timeline.length],
      ]);
    }));

  it('keeps the journey going while the board cannot be written, and catches up when it can', () =>
    run(async () => {
      const applicationId = unique('app');
      await world.db.exec('alter table journey_board rename to journey_board_away');
      try {
        await send('acme', applicationId, 'ats.application.created');
        // The candidate is acknowledged although every board write fails (and is retried).
        await eventually(async () => (await world.db.query("select 1 from outbox where application_id = $1 and template = 'applied.ack'", [applicationId])).rows[0]);
      } finally {
        await world.db.exec('alter table journey_board_away rename to journey_board');
      }
      // The failed write is retried (backing off up to 30 s between attempts) and lands once the table is back.
      const shown = await eventually(async () => {
        const found = await item('acme', applicationId);
        return found?.lastMessage?.template === 'applied.ack' ? found : undefined;
      }, 90_000);
      expect(shown.stage).toBe('applied');
    }));
});

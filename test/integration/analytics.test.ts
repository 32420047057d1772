import { analyticsCsv, analyticsReport } from '../../core/journeys/analytics';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { migrate } from '../../core/store';
import { projectJourney } from '../../core/store/board';
import { EXPECTED, RANGE, seedAnalyticsHistory } from '../helpers/analytics-history';
import { apiHarness, type ApiHarness } from '../helpers/api-harness';
import { databaseKinds, type FreshDatabase } from '../helpers/databases';

const shipped = loadDefaultJourneys();
const scope = (extra: Record<string, string> = {}) => ({ tenantId: 'acme', from: new Date(RANGE.from).toISOString(), to: new Date(RANGE.to).toISOString(), ...extra });

describe.each(databaseKinds)('analytics from stored journey data (%s)', (_kind, fresh) => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await fresh();
    await migrate(database.db);
    await seedAnalyticsHistory(database.db);
  });
  afterAll(async () => {
    await database.db.close();
    await database.drop();
  });

  it('gives the figures worked out by hand for a seeded history', async () => {
    const report = await analyticsReport(database.db, scope(), shipped);
    expect(report).toEqual({ scope: { from: scope().from, to: scope().to, journeyId: null, version: null, jobId: null }, ...EXPECTED });
  });

  it('filters by journey version, by job (from the status page, else the survey) and by journey', async () => {
    expect((await analyticsReport(database.db, scope({ version: 'default-en@bbb' }), shipped)).applications).toBe(2);
    const job1 = await analyticsReport(database.db, scope({ jobId: 'job-1' }), shipped);
    expect([job1.applications, job1.silence.kept, job1.replies.replied, job1.survey.scores]).toEqual([2, 1, 1, [0, 0, 0, 1, 0]]);
    const job2 = await analyticsReport(database.db, scope({ jobId: 'job-2' }), shipped);
    expect([job2.applications, job2.closing.closed, job2.survey.averageScore]).toEqual([2, 1, 2]);
    expect((await analyticsReport(database.db, scope({ journeyId: 'default-sv' }), shipped)).applications).toBe(0);
    expect((await analyticsReport(database.db, { ...scope(), tenantId: 'globex' }, shipped)).applications).toBe(1);
  });

  it('measures an open journey’s silence up to now against maxSilence in business days', async () => {
    const start = Date.parse('2026-09-07T10:00:00Z'); // a Monday
    await projectJourney(database.db, {
      tenant: 'acme', applicationId: 'open-1', journeyId: 'default-en', definitionVersion: 'default-en@aaa', status: 'open', outcome: null, stage: 'applied',
      paused: false, timeZone: 'Europe/London', locale: 'en', startedAt: start, waitingSince: start + 60_000, lastMessage: null, nextMessage: null, seq: 1,
      timeline: { from: 0, entries: [{ at: start, type: 'stage.entered', stage: 'applied' }, { at: start + 60_000, type: 'message.dispatched', messageId: 'o1', purpose: 'ack', channel: 'email' }, { at: start + 61_000, type: 'message.sent', messageId: 'o1', channel: 'email' }] },
    });
    const september = { tenantId: 'acme', from: '2026-09-01T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z' };
    // Five business days after Monday 10:01 is the next Monday 10:01: kept until then, broken on Wednesday.
    const onMonday = await analyticsReport(database.db, september, shipped, start + 7 * 86_400_000 + 120_000);
    expect([onMonday.silence.buckets[5]!.count, onMonday.silence.keptShare]).toEqual([1, 1]);
    const onWednesday = await analyticsReport(database.db, september, shipped, start + 9 * 86_400_000);
    expect([onWednesday.silence.buckets[6]!.count, onWednesday.silence.keptShare]).toEqual([1, 0]);
    expect(onWednesday.funnel[0]).toEqual({ stage: 'applied', entered: 1, left: 0, medianMs: null, averageMs: null });
  });
});

describe('GET /api/v1/analytics and /analytics.csv', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await apiHarness();
    await seedAnalyticsHistory(api.db);
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers the seeded figures for the key’s tenant, with the charts as SVG on request, and the same figures as CSV', async () => {
    const query = `from=${RANGE.from}&to=${RANGE.to}`;
    const response = await api.call('acme', 'GET', `/api/v1/analytics?${query}&charts=svg`);
    expect(response.statusCode).toBe(200);
    const { charts, ...figures } = response.json<Record<string, unknown> & { charts: Record<string, string> }>();
    expect(figures).toEqual({ scope: { from: scope().from, to: scope().to, journeyId: null, version: null, jobId: null }, ...EXPECTED });
    expect(Object.keys(charts)).toEqual(['acknowledgement', 'silence', 'messages', 'delivery', 'funnel', 'survey']);
    expect(charts.silence).toContain('data-label="6" data-value="1"');

    const csv = await api.call('acme', 'GET', `/api/v1/analytics.csv?${query}`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.body).toBe(analyticsCsv(await analyticsReport(api.db, scope(), shipped)));
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toEqual(expect.arrayContaining(['acknowledgement,,p50_ms,120000', 'acknowledgement,,p95_ms,3600000', 'silence,,kept_share,0.75', 'delivery,sms,fallbacks,1', 'replies,,rate,0.25', 'funnel,applied,median_ms,86400000']));

    expect((await api.call('globex', 'GET', `/api/v1/analytics?${query}`)).json<{ applications: number }>().applications).toBe(1);
    expect((await api.call('acme', 'GET', '/api/v1/analytics?from=yesterday')).statusCode).toBe(400);
    expect((await api.call('acme', 'GET', `/api/v1/analytics?from=${RANGE.to}&to=${RANGE.from}`)).statusCode).toBe(400);
    expect((await api.call({}, 'GET', `/api/v1/analytics?${query}`)).statusCode).toBe(401);
  });
});

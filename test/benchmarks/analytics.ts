// Analytics benchmark (issue 15, "Done when"): time of GET /api/v1/analytics (JSON, with `charts=svg`, and the CSV)
// over a 60-day range with BENCH_JOURNEYS stored journeys (default 10,000) in the store.
//
//   npm run bench -- analytics                            (through the runner: PGlite and PostgreSQL)
//   BENCH_JOURNEYS=100000 npm run bench -- analytics      (the 100,000-journey figure)
//   node --import tsx test/benchmarks/analytics.ts        (alone: PGlite only, unless BENCH_POSTGRES_ADMIN_URL is set)
//
// The store is filled directly, not by running journeys: each journey's board row and timeline are written with the
// store's own projectJourney (the function the journey's local activity calls), its status page's job with
// createStatusToken (what rendering a message with the status link does) and, for some, a survey answer with
// recordSurveyAnswer. Journeys start over 60 days, run one of two versions, belong to one of a few jobs, and carry
// the timelines the figures read: journey.started, stage.entered, messages dispatched/sent/delivered (some failed,
// with a fallback), replies, completions with an outcome and a closing message, plus entries the figures skip
// (message.scheduled). A second tenant gets a tenth as many journeys with the same application ids: every answer
// must count only the first tenant's. Then BENCH_REQUESTS requests of each kind (default 5: each takes seconds at
// 10,000 journeys, README "Performance") go one at a time through the real HTTP API (Fastify, API-key auth,
// validation). The split: readAnalyticsJourneys alone (the SQL and the rows' transfer) against the whole report
// computed in-process (SQL + the figures in JS).
import { Client, Connection } from '@temporalio/client';
import { analyticsReport, type AnalyticsReport } from '../../core/journeys/analytics';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import type { Database, Queryable } from '../../core/store';
import { readAnalyticsJourneys, type AnalyticsScope } from '../../core/store/analytics';
import { projectJourney } from '../../core/store/board';
import { recordSurveyAnswer } from '../../core/store/candidate-surveys';
import { createStatusToken } from '../../core/store/status-tokens';
import type { TimelineEntry } from '../../workflows/engine';
import type { JourneyBoardEntry } from '../../workflows/shared';
import { apiHarness } from '../helpers/api-harness';
import { emit, onEachDatabase, percentile, round, runScript, timed } from './support';

const QUICK = process.env.BENCH_QUICK === '1';
const JOURNEYS = Number(process.env.BENCH_JOURNEYS ?? (QUICK ? 1_000 : 10_000));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? (QUICK ? 3 : 5));
const log = (m: string) => console.error(`[analytics] ${m}`);

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/**
 * The 60 days up to today (UTC) the journeys start in, and the range every request asks for. Open journeys' silence
 * counts up to now, so the history ends now: what is still open got its status update every few days since.
 */
const NOW = Date.now();
const TO = NOW - (NOW % DAY) + DAY;
const FROM = TO - 60 * DAY;
const JOBS = ['job-eng-1', 'job-eng-2', 'job-sales-1', 'job-ops-1', 'job-support-1'];

/** A small deterministic hash of (i, salt) in [0, 1), so runs compare. */
const rand = (i: number, salt: number) => {
  let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35);
  x ^= x >>> 13;
  x = Math.imul(x, 0x27d4eb2d);
  x ^= x >>> 16;
  return (x >>> 0) / 2 ** 32;
};

interface Journey {
  board: JourneyBoardEntry;
  jobId: string;
  /** A survey answer's score, for completed journeys whose candidate answered. */
  score: number | null;
}

/**
 * Journey `i` of `count`: acknowledged within minutes to hours (e-mail, or SMS of which some fail and fall back to
 * e-mail), a status update, screening for most, an interview for some; three in five completed (rejected, withdrawn,
 * hired), most with a closing message; a quarter replied.
 */
function journey(tenant: string, i: number, count: number): Journey {
  const started = FROM + Math.floor((i / count) * (NOW - FROM - 2 * HOUR)) + Math.floor(rand(i, 1) * HOUR);
  const version = rand(i, 2) < 0.5 ? 'default-sv@v1' : 'default-sv@v2';
  const entries: TimelineEntry[] = [];
  let m = 0;
  const message = (at: number, purpose: TimelineEntry['purpose'], template: string, channel: 'email' | 'sms', fails = false) => {
    const messageId = `${i}:${template}:${m++}`;
    entries.push({ at, type: 'message.scheduled', template, purpose, messageId, dueAt: at });
    entries.push({ at, type: 'message.dispatched', template, purpose, channel, messageId, dueAt: at });
    if (fails) {
      entries.push({ at: at + 30_000, type: 'message.failed', template, channel, messageId, reason: 'provider rejected the number' });
      entries.push({ at: at + 60_000, type: 'message.dispatched', template, purpose, channel: 'email', messageId, dueAt: at });
      entries.push({ at: at + 62_000, type: 'message.sent', template, channel: 'email', messageId });
      entries.push({ at: at + 90_000, type: 'message.delivered', template, channel: 'email', messageId });
      return;
    }
    entries.push({ at: at + 2_000, type: 'message.sent', template, channel, messageId });
    entries.push({ at: at + 40_000, type: 'message.delivered', template, channel, messageId });
  };
  const stage = (at: number, name: NonNullable<TimelineEntry['stage']>) => entries.push({ at, type: 'stage.entered', stage: name, eventId: `ev-${i}-${entries.length}`, eventType: 'ats.application.stage_changed' });
  entries.push({ at: started, type: 'journey.started', eventId: `ev-${i}-created` });
  stage(started, 'applied');
  const sms = rand(i, 3) < 0.3;
  message(started + Math.floor(rand(i, 4) ** 3 * 6 * HOUR) + MIN, 'ack', 'application.received', sms ? 'sms' : 'email', sms && rand(i, 5) < 0.15);
  if (rand(i, 6) < 0.25) entries.push({ at: started + Math.floor(rand(i, 7) * 2 * DAY), type: 'candidate.replied', channel: 'email' });
  let t = started + Math.floor((1 + rand(i, 8) * 6) * DAY);
  message(started + 3 * DAY, 'status-update', 'status.update', 'email');
  if (rand(i, 9) < 0.8) {
    stage(t, 'screening');
    message(t + MIN, 'stage', 'screening.started', 'email');
    t += Math.floor((2 + rand(i, 10) * 8) * DAY);
    if (rand(i, 11) < 0.4) {
      stage(t, 'interview');
      message(t + MIN, 'interview-confirmation', 'interview.scheduled', 'email');
      t += Math.floor((1 + rand(i, 12) * 5) * DAY);
    }
  }
  // Some sent messages the store never learnt more of (a failure the figures skip: details missing).
  if (rand(i, 13) < 0.05) entries.push({ at: t - HOUR, type: 'message.failed', template: 'offer.letter', channel: 'email', messageId: `${i}:x`, reason: 'TemplateDataMissing: jobTitle' });
  const ending = rand(i, 14);
  let outcome: string | null = ending < 0.45 ? 'rejected' : ending < 0.55 ? 'withdrawn' : ending < 0.6 ? 'hired' : null;
  if (outcome && t + 3 * HOUR < NOW) {
    stage(t, outcome as NonNullable<TimelineEntry['stage']>);
    if (rand(i, 15) < 0.9) message(t + 2 * HOUR, 'closing', `closing.${outcome}`, 'email');
    entries.push({ at: t + 3 * HOUR, type: 'journey.completed', reason: outcome });
  } else {
    outcome = null;
    // Still open: whatever lies ahead has not happened; a status update every six days keeps the promise.
    entries.splice(0, entries.length, ...entries.filter((e) => e.at <= NOW - 2 * MIN));
    for (let at = started + 9 * DAY; at < NOW - 2 * MIN; at += 6 * DAY) message(at, 'status-update', 'status.update', 'email');
    entries.splice(0, entries.length, ...entries.filter((e) => e.at <= NOW));
  }
  const last = entries.reduce((a, e) => Math.max(a, e.at), started);
  entries.sort((a, b) => a.at - b.at);
  const currentStage = [...entries].reverse().find((e) => e.type === 'stage.entered')!.stage!;
  const status = outcome ? 'completed' : 'open';
  return {
    board: {
      tenant,
      applicationId: `app-${i}`,
      journeyId: 'default-sv',
      definitionVersion: version,
      status,
      outcome,
      stage: currentStage,
      paused: false,
      timeZone: 'Europe/Stockholm',
      locale: 'sv-SE',
      startedAt: started,
      waitingSince: last,
      lastMessage: { template: 'status.update', channel: 'email', at: last },
      nextMessage: outcome ? null : { template: 'status.update', dueAt: last + 5 * DAY },
      seq: 1,
      detail: {
        eventsApplied: entries.filter((e) => e.type === 'stage.entered').length,
        lastEventType: 'ats.application.stage_changed',
        completed: Boolean(outcome),
        status,
        stage: currentStage,
        paused: false,
        definitionVersion: version,
        timeZone: 'Europe/Stockholm',
        locale: 'sv-SE',
        lastMessageAt: last,
        nextWakeUp: outcome ? undefined : last + 5 * DAY,
        scheduled: outcome ? [] : [{ template: 'status.update', purpose: 'status-update', dueAt: last + 5 * DAY }],
      },
      timeline: { from: 0, entries },
    },
    jobId: JOBS[Math.floor(rand(i, 16) * JOBS.length)]!,
    score: outcome && rand(i, 17) < 0.3 ? 1 + Math.floor(rand(i, 18) * 5) : null,
  };
}

/** Journeys written per transaction (the statements are the journeys' own; a transaction saves a commit each). */
const CHUNK = 500;

/** Writes journey `i` of `tenant` as journeys write it. */
async function write(db: Queryable, tenant: string, i: number, count: number): Promise<void> {
  const j = journey(tenant, i, count);
  await projectJourney(db, j.board);
  // The first message with the status link records the job on the status page (9 in 10); the rest know it only from a survey, if at all.
  if (rand(i, 19) < 0.9) await createStatusToken(db, { tenant, applicationId: j.board.applicationId, messageId: `${i}:application.received:0` }, { jobId: j.jobId, locale: 'sv-SE', timeZone: 'Europe/Stockholm' }, new Date(j.board.startedAt ?? FROM));
  if (j.score !== null) {
    await recordSurveyAnswer(db, { tenant, applicationId: j.board.applicationId, journeyId: 'default-sv', definitionVersion: j.board.definitionVersion, jobId: j.jobId, outcome: j.board.outcome ?? undefined, score: j.score, comment: undefined });
  }
}

/** Writes `count` journeys of `tenant`, CHUNK per transaction, `parallel` transactions at a time. */
async function fill(db: Database, tenant: string, count: number, parallel: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const first = next;
        next = Math.min(count, next + CHUNK);
        const last = next;
        await db.transaction(async (tx) => {
          for (let i = first; i < last; i++) await write(tx, tenant, i, count);
        });
      }
    }),
  );
}

async function measure(kind: 'PGlite' | 'PostgreSQL', db: Database): Promise<void> {
  // The API needs a Temporal client to be registered; this one never connects (analytics read the store only).
  const temporal = new Client({ connection: Connection.lazy({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }) });
  const api = await apiHarness({ temporal, db });
  try {
    const loading = performance.now();
    const others = Math.ceil(JOURNEYS / 10);
    await fill(db, 'acme', JOURNEYS, kind === 'PGlite' ? 1 : 4);
    await fill(db, 'globex', others, kind === 'PGlite' ? 1 : 4);
    await db.query('analyze');
    const fillSeconds = (performance.now() - loading) / 1000;
    const rows = await db.query<{ n: number }>('select count(*)::int as n from journey_timeline');
    log(`${kind}: ${JOURNEYS} + ${others} journeys, ${rows.rows[0]!.n} timeline entries written in ${fillSeconds.toFixed(1)} s`);

    const range = `from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}`;
    const kinds = [
      { name: 'JSON', url: `/api/v1/analytics?${range}` },
      { name: 'JSON + SVG charts', url: `/api/v1/analytics?${range}&charts=svg` },
      { name: 'CSV', url: `/api/v1/analytics.csv?${range}` },
    ];
    const check = (name: string, statusCode: number, body: string) => {
      if (statusCode !== 200) throw new Error(`${name}: answered ${statusCode}: ${body.slice(0, 300)}`);
      const count = name === 'CSV' ? Number(/^applications,,count,(\d+)\r?$/m.exec(body)?.[1]) : (JSON.parse(body) as AnalyticsReport).applications;
      if (count !== JOURNEYS) throw new Error(`${name}: ${count} applications, expected ${JOURNEYS} (the other tenant's must not count)`);
    };
    // The other tenant, once: only its own tenth.
    const globex = await api.call('globex', 'GET', kinds[0]!.url);
    if (globex.statusCode !== 200 || globex.json<AnalyticsReport>().applications !== others) throw new Error(`globex: ${globex.statusCode}, ${globex.body.slice(0, 200)}`);
    const size = `${JOURNEYS.toLocaleString('en')} journeys (${kind})`;
    for (const k of kinds) {
      const get = async () => {
        const response = await api.call('acme', 'GET', k.url);
        check(k.name, response.statusCode, response.body);
      };
      if (REQUESTS >= 3) await get(); // warm-up (skipped for the 1-2 requests a 100,000-journey run can afford)
      const durations = await timed(REQUESTS, 1, get);
      emit({
        figure: `analytics ${k.name}, 60 days, ${size}: p50`,
        value: round(percentile(durations, 50), 0),
        unit: 'ms',
        goal: '—',
        pass: null,
        ratio: null,
        baseline: null,
        note: `${REQUESTS} requests one at a time through HTTP: p99 ${round(percentile(durations, 99), 0)} ms, max ${round(Math.max(...durations), 0)} ms; store filled in ${round(fillSeconds, 0)} s (${rows.rows[0]!.n} timeline rows, both tenants)`,
      });
    }
    // Where the time goes: the statement alone, then the whole report in-process (statement + figures in JS).
    const scope: AnalyticsScope = { tenantId: 'acme', from: new Date(FROM).toISOString(), to: new Date(TO).toISOString() };
    const shipped = loadDefaultJourneys();
    const sql = await timed(Math.min(REQUESTS, 10), 1, async () => {
      if ((await readAnalyticsJourneys(db, scope)).length !== JOURNEYS) throw new Error('readAnalyticsJourneys: wrong count');
    });
    const whole = await timed(Math.min(REQUESTS, 10), 1, async () => {
      if ((await analyticsReport(db, scope, shipped)).applications !== JOURNEYS) throw new Error('analyticsReport: wrong count');
    });
    const sqlMs = percentile(sql, 50);
    const wholeMs = percentile(whole, 50);
    emit({
      figure: `analytics split, ${size}: readAnalyticsJourneys p50`,
      value: round(sqlMs, 0),
      unit: 'ms',
      goal: '—',
      pass: null,
      ratio: null,
      baseline: null,
      note: `whole report in-process p50 ${round(wholeMs, 0)} ms, so the figures in JS take ~${round(wholeMs - sqlMs, 0)} ms (${round((100 * (wholeMs - sqlMs)) / wholeMs, 0)} %)`,
    });
  } finally {
    await api.close();
  }
}

runScript(() => onEachDatabase('candor_bench_analytics', log, measure));

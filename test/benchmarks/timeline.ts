// Status and timeline benchmark (issue 12, goal 5): latency of GET /api/v1/applications/{id}, which answers
// one application's status and whole timeline, with BENCH_JOURNEYS open journeys (default 10,000) in the store.
//
//   npm run bench -- timeline                      (through the runner: PGlite and PostgreSQL)
//   node --import tsx test/benchmarks/timeline.ts  (alone: PGlite only, unless BENCH_POSTGRES_ADMIN_URL is set)
//
// The store is filled directly, not by running journeys: each journey's board row, status detail and timeline
// (BENCH_TIMELINE_ENTRIES entries on average, default 12) are written with the store's own projectJourney, the
// function the journey's local activity calls, so the rows are exactly what journeys write. A second tenant gets
// a tenth as many journeys with the same application ids. Then BENCH_REQUESTS requests (default 2,000) for random
// applications go through the real HTTP API (Fastify, API-key auth, the route's validation) closed-loop with
// BENCH_CONCURRENCY connections (default 8). Every answer must be a 200 served from the store; no workflow is
// queried (the Temporal client is never connected). Embedded PGlite is what `npm start` uses; PostgreSQL is what
// separate roles use. Before this projection the route ran two workflow queries: p50 308 ms, p99 3.6 s at 10,000
// open journeys (README, "Performance").
import { Client, Connection } from '@temporalio/client';
import type { Database } from '../../core/store';
import { projectJourney } from '../../core/store/board';
import type { TimelineEntry } from '../../workflows/engine';
import type { JourneyBoardEntry } from '../../workflows/shared';
import { apiHarness } from '../helpers/api-harness';
import { emit, onEachDatabase, percentile, round, runScript, timed } from './support';

const QUICK = process.env.BENCH_QUICK === '1';
const JOURNEYS = Number(process.env.BENCH_JOURNEYS ?? (QUICK ? 2_000 : 10_000));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? (QUICK ? 500 : 2_000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ENTRIES = Number(process.env.BENCH_TIMELINE_ENTRIES ?? 12);
const GOAL_MS = 100;
const log = (m: string) => console.error(`[timeline] ${m}`);

const T0 = Date.parse('2026-03-02T09:00:00Z');
const DAY = 86_400_000;

/** A journey some days in: acknowledged, a stage or two, messages scheduled, sent and delivered. */
function journey(tenant: string, i: number): JourneyBoardEntry {
  const started = T0 + (i % 1000) * 60_000;
  const count = 4 + (i % (2 * ENTRIES - 7));
  const entries: TimelineEntry[] = Array.from({ length: count }, (_, n): TimelineEntry => {
    const at = started + n * 3_600_000;
    switch (n % 4) {
      case 0:
        return { at, type: 'stage.entered', stage: 'screening', eventId: `ev-${i}-${n}`, eventType: 'ats.application.stage_changed' };
      case 1:
        return { at, type: 'message.scheduled', template: 'screening.started', purpose: 'stage', messageId: `${i}:screening.started:${n}`, dueAt: at };
      case 2:
        return { at, type: 'message.dispatched', template: 'screening.started', channel: 'email', messageId: `${i}:screening.started:${n}`, dueAt: at };
      default:
        return { at, type: 'message.delivered', template: 'screening.started', channel: 'email', messageId: `${i}:screening.started:${n}` };
    }
  });
  const lastAt = entries[entries.length - 1]!.at;
  return {
    tenant,
    applicationId: `app-${i}`,
    journeyId: 'default-sv',
    definitionVersion: 'default-sv@v1',
    status: 'open',
    outcome: null,
    stage: 'screening',
    paused: false,
    timeZone: 'Europe/Stockholm',
    locale: 'sv-SE',
    startedAt: started,
    waitingSince: lastAt,
    lastMessage: { template: 'screening.started', channel: 'email', at: lastAt },
    nextMessage: { template: 'status.update', dueAt: lastAt + 5 * DAY },
    seq: 1,
    detail: {
      eventsApplied: 1 + Math.floor(count / 4),
      lastEventType: 'ats.application.stage_changed',
      completed: false,
      status: 'open',
      stage: 'screening',
      paused: false,
      definitionVersion: 'default-sv@v1',
      timeZone: 'Europe/Stockholm',
      locale: 'sv-SE',
      lastMessageAt: lastAt,
      nextWakeUp: lastAt + 5 * DAY,
      scheduled: [{ template: 'status.update', purpose: 'status', dueAt: lastAt + 5 * DAY }],
    },
    timeline: { from: 0, entries },
  };
}

/** Writes `count` journeys of `tenant` through projectJourney, `parallel` at a time. */
async function fill(db: Database, tenant: string, count: number, parallel: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await projectJourney(db, journey(tenant, next++));
    }),
  );
}

async function measure(kind: 'PGlite' | 'PostgreSQL', db: Database): Promise<void> {
  // The route needs a Temporal client to be registered; this one never connects (the store answers every request).
  const temporal = new Client({ connection: Connection.lazy({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }) });
  const api = await apiHarness({ temporal, db });
  try {
    const loading = performance.now();
    await fill(db, 'acme', JOURNEYS, kind === 'PGlite' ? 1 : 8);
    await fill(db, 'globex', Math.ceil(JOURNEYS / 10), kind === 'PGlite' ? 1 : 8);
    const rows = await db.query<{ n: number }>('select count(*)::int as n from journey_timeline');
    log(`${kind}: ${JOURNEYS} + ${Math.ceil(JOURNEYS / 10)} journeys, ${rows.rows[0]!.n} timeline entries written in ${((performance.now() - loading) / 1000).toFixed(1)} s`);
    let wrong = 0;
    // Random applications (a fixed sequence, so runs compare), after a short warm-up.
    const pick = (i: number) => `app-${(i * 7_919) % JOURNEYS}`;
    const get = async (i: number) => {
      const response = await api.call('acme', 'GET', `/api/v1/applications/${pick(i)}`);
      if (response.statusCode !== 200 || response.json<{ source: string }>().source !== 'store') wrong++;
    };
    await timed(Math.min(200, REQUESTS), CONCURRENCY, (i) => get(REQUESTS + i));
    const started = performance.now();
    const durations = await timed(REQUESTS, CONCURRENCY, get);
    const seconds = (performance.now() - started) / 1000;
    // One at a time as well: what a request costs without waiting behind others.
    const alone = await timed(Math.min(300, REQUESTS), 1, (i) => get(2 * REQUESTS + i));
    if (wrong > 0) throw new Error(`${wrong} answers were not a 200 from the store`);
    const p50 = round(percentile(durations, 50), 1);
    const p99 = round(percentile(durations, 99), 1);
    const note =
      `${REQUESTS} requests, ${CONCURRENCY} concurrent, ${round(REQUESTS / seconds, 0)}/s (one at a time: p50 ${round(percentile(alone, 50), 1)} ms, p99 ${round(percentile(alone, 99), 1)} ms); ` +
      `store rows written directly with projectJourney (avg ${ENTRIES} timeline entries); no workflow queried`;
    emit({ figure: `status+timeline p50, ${JOURNEYS.toLocaleString('en')} open journeys (${kind})`, value: p50, unit: 'ms', goal: '—', pass: null, ratio: null, baseline: null, note });
    emit({
      figure: `status+timeline p99, ${JOURNEYS.toLocaleString('en')} open journeys (${kind})`,
      value: p99,
      unit: 'ms',
      goal: `< ${GOAL_MS} ms`,
      pass: p99 < GOAL_MS,
      ratio: null,
      baseline: null,
      bottleneck: kind === 'PGlite' ? 'one embedded PGlite serves every request in turn' : 'two primary-key reads per request; the HTTP round trip',
    });
  } finally {
    await api.close();
  }
}

runScript(() => onEachDatabase('candor_bench_timeline', log, measure));

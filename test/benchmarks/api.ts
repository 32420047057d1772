// Recruiter API benchmark: latency of the candidates board (GET /api/v1/applications) and of one application's
// timeline (GET /api/v1/applications/:id, two workflow queries) with BENCH_JOURNEYS open journeys (default
// 10,000), through the real HTTP server, worker and Temporal server. The board is measured twice in the same
// run: from the journey_board projection (what the route serves) and from a Temporal visibility scan (what it
// served before, kept here as a benchmark-only route), with their ratio. Then the history cost of the
// projection: events of an acknowledged journey on the server, and of a typical 60-day journey on the
// time-skipping test server, with and without it.
//
//   node --import tsx test/benchmarks/api.ts        (against npm start's stack, or set TEMPORAL_ADDRESS)
//   BENCH_JOURNEYS=2000 BENCH_CONCURRENCY=8 node --import tsx test/benchmarks/api.ts
//
// The load is closed-loop like autocannon's: BENCH_CONCURRENCY connections, each sending its next request
// as soon as the previous answer arrived. The Temporal server must have Candor's search attributes
// (npm start's dev server registers them); the history part needs the time-skipping test server
// (TEMPORAL_TEST_SERVER or .local/venv/bin/temporal-test-server) and is skipped without it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createProviders } from '../../activities/messaging';
import { buildApi } from '../../services/api/server';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { addApiKey, ensureTenant, generateApiKey, migrate, openPgliteDatabase, type Database } from '../../core/store';
import { connectTemporalClient, createPayloadCodec } from '../../core/temporal/connection';
import { signalJourney } from '../../core/temporal/journeys';
import type { candidateJourney } from '../../workflows';
import { atsEventSignal, journeyStatusQuery, journeyWorkflowId, SA_STAGE, SA_TENANT, SA_WAITING_SINCE, type JourneyEvent } from '../../workflows/shared';
import { atsEvent, candidate, daytimeZone } from '../helpers/events';
import { createTestWorker, createTestWorld, testDataConverter, workflowBundle } from '../helpers/worker';
import { timed } from './support';

const JOURNEYS = Number(process.env.BENCH_JOURNEYS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BOARD_REQUESTS = Number(process.env.BENCH_BOARD_REQUESTS ?? 400);
const OLD_BOARD_REQUESTS = Number(process.env.BENCH_OLD_BOARD_REQUESTS ?? 100);
const TIMELINE_REQUESTS = Number(process.env.BENCH_TIMELINE_REQUESTS ?? 1000);
/** Share of journeys with an open recruiter alert, so the SLA column and filter have something to find. */
const ALERT_SHARE = 0.01;
const run = Date.now().toString(36);
const tenant = `bench-${run}`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/**
 * The board as it was served before the projection: every running journey of the tenant read from Temporal
 * visibility (the dev server's SQL visibility cannot ORDER BY a custom search attribute), sorted in memory,
 * one scan shared by identical requests for 2 s, joined with the open alerts. Kept verbatim for comparison.
 */
function visibilityBoard(temporal: Client, db: Database) {
  const MAX_SCAN = 10_000;
  const SCAN_TTL_MS = 2_000;
  type Scanned = { applicationId: string; stage: string | null; waitingSince: string | null; startedAt: string };
  const entries = new Map<string, { at: number; result: Promise<{ items: Scanned[]; truncated: boolean }> }>();
  const scan = (query: string, prefix: string) => {
    const now = Date.now();
    for (const [key, entry] of entries) if (now - entry.at > SCAN_TTL_MS) entries.delete(key);
    const cached = entries.get(query);
    if (cached) return cached.result;
    const result = (async () => {
      const items: Scanned[] = [];
      let truncated = false;
      for await (const execution of temporal.workflow.list({ query })) {
        if (items.length >= MAX_SCAN) {
          truncated = true;
          break;
        }
        if (!execution.workflowId.startsWith(prefix)) continue;
        const waitingSince = execution.typedSearchAttributes.get(SA_WAITING_SINCE);
        items.push({
          applicationId: execution.workflowId.slice(prefix.length),
          stage: execution.typedSearchAttributes.get(SA_STAGE) ?? null,
          waitingSince: waitingSince ? waitingSince.toISOString() : null,
          startedAt: execution.startTime.toISOString(),
        });
      }
      items.sort((a, b) => (a.waitingSince ?? a.startedAt).localeCompare(b.waitingSince ?? b.startedAt) || a.applicationId.localeCompare(b.applicationId));
      return { items, truncated };
    })();
    entries.set(query, { at: now, result });
    result.catch(() => entries.delete(query));
    return result;
  };
  return async (tenantId: string, limit: number) => {
    const clauses = [`${SA_TENANT.name} = "${tenantId}"`, 'ExecutionStatus = "Running"', 'WorkflowType = "candidateJourney"'];
    const alerts = await db.query<{ application_id: string; open: number; reasons: string[] }>(
      `select application_id, count(*)::int as open, array_agg(distinct reason) as reasons from recruiter_alerts
       where tenant_id = $1 and acknowledged_at is null group by application_id`,
      [tenantId],
    );
    const openAlerts = new Map(alerts.rows.map((r) => [r.application_id, r]));
    const scanned = await scan(clauses.join(' AND '), `journey/${tenantId}/`);
    const items = scanned.items.map((item) => {
      const alert = openAlerts.get(item.applicationId);
      return { ...item, sla: alert ? 'breached' : 'ok', openAlerts: alert?.open ?? 0, alertReasons: alert?.reasons ?? [] };
    });
    return { applications: items.slice(0, limit), total: items.length, truncated: scanned.truncated };
  };
}

/** History events and encoded size, with the kinds of event the board projection adds: markers (one per write, one for the patch) and search-attribute upserts (the patch's TemporalChangeVersion). */
async function historyOf(client: Client, workflowId: string): Promise<{ events: number; bytes: number; markers: number; upserts: number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const { EVENT_TYPE_MARKER_RECORDED, EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES } = proto.api.enums.v1.EventType;
  return {
    events: events.length,
    bytes: proto.api.history.v1.History.encode(history).finish().length,
    markers: events.filter((e) => e.eventType === EVENT_TYPE_MARKER_RECORDED).length,
    upserts: events.filter((e) => e.eventType === EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES).length,
  };
}
/** The events the projection itself put in `board`'s history, compared with the same journey without it. */
const ownEvents = (board: { markers: number; upserts: number }, plain: { markers: number; upserts: number }) => board.markers - plain.markers + board.upserts - plain.upserts;

/** Starts (or signals) a journey, with or without its board projection. */
function startJourney(client: Client, taskQueue: string, applicationId: string, event: JourneyEvent, options: { boardProjection?: boolean; searchAttributes?: boolean } = {}) {
  return client.workflow.signalWithStart<typeof candidateJourney, [JourneyEvent]>('candidateJourney', {
    workflowId: journeyWorkflowId(tenant, applicationId),
    taskQueue,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [{ tenant, applicationId, ...options }],
    signal: atsEventSignal,
    signalArgs: [event],
  });
}

/**
 * A typical 60-day journey on the time-skipping test server, with and without the board projection: two
 * journeys living through the same events at the same simulated times (so the same calendar), side by side.
 */
async function typicalJourneyHistory(): Promise<void> {
  const path = process.env.TEMPORAL_TEST_SERVER ?? join(__dirname, '../../.local/venv/bin/temporal-test-server');
  if (!existsSync(path)) {
    console.log(`typical 60-day journey: skipped (no time-skipping test server at ${path})`);
    return;
  }
  const DAY = 86_400_000;
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } }, client: { dataConverter: testDataConverter } });
  const world = await createTestWorld();
  const worker = await createTestWorker(env.nativeConnection, 'bench-history', world);
  const running = worker.run();
  try {
    const send = async (event: JourneyEvent) => {
      const handles = [];
      for (const boardProjection of [false, true]) {
        const handle = await startJourney(env.client, 'bench-history', `typical-${boardProjection ? 'board' : 'plain'}`, event, { searchAttributes: false, boardProjection });
        await handle.query(journeyStatusQuery);
        handles.push(handle);
      }
      return handles;
    };
    // The scenario of test/benchmarks/journey-history.ts: screening on day 3, interview on day 21 (scheduled
    // day 14), completed, a long decision, rejected on day 60.
    const t0 = await env.currentTimeMs();
    const stage = (category: string) => ({ stage: { to: { id: category, name: category, category } } });
    const interview = { interview: { id: 'i1', start: new Date(t0 + 21 * DAY).toISOString(), end: new Date(t0 + 21 * DAY + 3_600_000).toISOString() } };
    const handles = await send(atsEvent('ats.application.created', t0));
    await env.sleep(3 * DAY);
    await send(atsEvent('ats.application.stage_changed', t0 + 3 * DAY, stage('screening')));
    await env.sleep(11 * DAY);
    await send(atsEvent('ats.interview.scheduled', t0 + 14 * DAY, { ...stage('interview'), ...interview }));
    await env.sleep(8 * DAY);
    await send(atsEvent('ats.interview.completed', t0 + 22 * DAY, interview));
    await env.sleep(38 * DAY);
    await send(atsEvent('ats.application.rejected', t0 + 60 * DAY));
    await env.sleep(3 * DAY);
    const [plain, board] = await Promise.all(handles.map(async (handle) => (await handle.result(), historyOf(env.client, handle.workflowId))));
    const own = ownEvents(board!, plain!);
    const row = await world.db.query<{ seq: string | number; status: string }>('select seq, status from journey_board where application_id = $1', ['typical-board']);
    console.log(
      `typical 60-day journey (time-skipping, side by side): without projection ${plain!.events} events / ${(plain!.bytes / 1024).toFixed(1)} KiB; ` +
        `with ${board!.events} events / ${(board!.bytes / 1024).toFixed(1)} KiB. The projection's own events: ${own} ` +
        `(${Number(row.rows[0]?.seq ?? 0)} board writes, one marker each, plus the patch marker and its search-attribute upsert) = ` +
        `${((own / plain!.events) * 100).toFixed(1)}% (the rest of the difference is how activity results batch into workflow tasks); row ${row.rows[0]?.status ?? 'missing'}`,
    );
  } finally {
    worker.shutdown();
    await running;
    await world.db.close();
    await env.teardown();
  }
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-bench-api-'));
  const config = loadConfig({ ...process.env, CANDOR_DATA_DIR: dataDir, TEMPORAL_TASK_QUEUE: `bench-api-${run}`, LOG_LEVEL: 'error' });
  const taskQueue = config.temporal.taskQueue;
  const logger = createLogger({ logLevel: 'error', secrets: [] });
  const db = await openPgliteDatabase(join(dataDir, 'pglite'));
  await migrate(db);
  await ensureTenant(db, { id: tenant, name: 'Bench' });
  const key = generateApiKey();
  await addApiKey(db, tenant, key, 'bench');
  const temporal = await connectTemporalClient(config);
  // The worker as the worker role builds it (services/worker), created here so the benchmark can see when it is idle.
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ logger, db, events: { publish: async () => undefined }, providers: createProviders(config, db), publicUrl: config.http.publicUrl }),
    dataConverter: { payloadCodecs: [createPayloadCodec(config)] },
  });
  const working = worker.run();
  const app = buildApi({ logger, probes: [], v1: { db, temporal, publicUrl: 'http://localhost' } });
  const oldBoard = visibilityBoard(temporal, db);
  app.get('/bench/visibility-board', async (request) => oldBoard(tenant, Number((request.query as { limit?: string }).limit ?? 100)));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  /** A GET as the bench tenant; a 503 (a journey that did not answer in time) is counted when `unavailable` is given, anything else not 200 fails the run. */
  const get = async (path: string, unavailable?: { count: number }) => {
    const response = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(60_000) });
    if (response.status === 503 && unavailable) {
      unavailable.count++;
      await response.arrayBuffer();
      return {};
    }
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const measure = async (label: string, requests: number, path: (i: number) => string, options: { allow503?: boolean } = {}) => {
    const unavailable = options.allow503 ? { count: 0 } : undefined;
    await get(path(0), unavailable);
    if (unavailable) unavailable.count = 0;
    const durations = await timed(requests, CONCURRENCY, async (i) => void (await get(path(i), unavailable)));
    const result = { p50: percentile(durations, 50), p99: percentile(durations, 99) };
    const note = unavailable ? `, ${unavailable.count} answered 503` : '';
    console.log(`${label.padEnd(58)} p50 ${ms(result.p50).padStart(6)} ms   p99 ${ms(result.p99).padStart(6)} ms   (${requests} requests, ${CONCURRENCY} concurrent${note})`);
    return result;
  };
  const idle = async () => {
    // Settled: nothing in flight in the worker for 3 s in a row.
    for (let quiet = 0; quiet < 3; ) {
      const status = worker.getStatus();
      quiet = status.numInFlightWorkflowActivations === 0 && status.numInFlightActivities === 0 ? quiet + 1 : 0;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const started: string[] = [];

  try {
    console.log(`${JOURNEYS} open journeys, tenant ${tenant}, Temporal ${config.temporal.address}, PGlite, one worker`);
    const zone = daytimeZone();
    let since = Date.now();
    await timed(JOURNEYS, 64, async (i) => {
      const applicationId = `app-${i}`;
      started.push(applicationId);
      await signalJourney(temporal, taskQueue, { tenant, applicationId }, atsEvent('ats.application.created', Date.now(), { application: { id: applicationId, jobId: 'job-1', jobTitle: 'Engineer' }, candidate: candidate({ timeZone: zone }) }, `${run}-${i}`));
    });
    console.log(`started ${JOURNEYS} journeys in ${seconds(since)} s (signalWithStart, 64 at a time)`);
    since = Date.now();
    let onBoard = 0;
    let visible = 0;
    for (;;) {
      const rows = await db.query<{ n: number }>("select count(*)::int as n from journey_board where tenant_id = $1 and status <> 'completed' and last_message_template is not null", [tenant]);
      onBoard = rows.rows[0]!.n;
      if (onBoard >= JOURNEYS) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const boardAfter = seconds(since);
    for (;;) {
      visible = (await temporal.workflow.count(`${SA_TENANT.name} = "${tenant}" AND ExecutionStatus = "Running" AND ${SA_WAITING_SINCE.name} IS NOT NULL`)).count;
      if (visible >= JOURNEYS) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    await idle();
    console.log(`settled: every journey acknowledged and on the board after ${boardAfter} s, in visibility and the worker idle after ${seconds(since)} s`);
    const alerted = Math.round(JOURNEYS * ALERT_SHARE);
    for (let i = 0; i < alerted; i++) {
      await db.query("insert into recruiter_alerts (alert_id, tenant_id, application_id, reason, days) values ($1, $2, $3, 'waiting', 6)", [`${run}-alert-${i}`, tenant, `app-${Math.floor((i * JOURNEYS) / alerted)}`]);
    }

    const oldBoardResult = await measure(`board, visibility scan (before)  limit=50`, OLD_BOARD_REQUESTS, () => '/bench/visibility-board?limit=50');
    const newBoardResult = await measure(`board, projection (now)          limit=50`, BOARD_REQUESTS, () => '/api/v1/applications?limit=50');
    const ratio = (value: number) => (value >= 10 ? value.toFixed(0) : value.toFixed(1));
    console.log(`${'  ratio before/now'.padEnd(58)} p50 ${ratio(oldBoardResult.p50 / newBoardResult.p50).padStart(6)} x    p99 ${ratio(oldBoardResult.p99 / newBoardResult.p99).padStart(6)} x`);
    // A page from the middle of the board, reached by following the cursor.
    const skip = Math.min(1000, Math.floor(JOURNEYS / 2));
    const middle = (await get(`/api/v1/applications?limit=${skip}`)) as { nextCursor: string };
    await measure(`board, projection, after ${skip} by cursor   limit=50`, BOARD_REQUESTS, () => `/api/v1/applications?limit=50&cursor=${encodeURIComponent(middle.nextCursor)}`);
    await measure('board, projection, stage=applied        limit=50', BOARD_REQUESTS, () => '/api/v1/applications?limit=50&stage=applied');
    await measure(`board, projection, sla=breached (${alerted} of ${JOURNEYS}) limit=50`, BOARD_REQUESTS, () => '/api/v1/applications?limit=50&sla=breached');
    await measure('board, projection, limit=1000', Math.ceil(BOARD_REQUESTS / 4), () => '/api/v1/applications?limit=1000');
    // Spread over every journey, so most are not in the worker's cache (about 2,300 fit by default) and are replayed.
    const cached = worker.getStatus().numCachedWorkflows;
    await measure(`timeline GET /applications/:id (${cached} cached)`, TIMELINE_REQUESTS, (i) => `/api/v1/applications/app-${(i * 7919) % JOURNEYS}`, { allow503: true });

    // History cost of the projection on the server: acknowledged journeys with and without it.
    const sample = 20;
    for (let i = 0; i < sample; i++) {
      for (const boardProjection of [true, false]) {
        const applicationId = `hist-${boardProjection ? 'board' : 'plain'}-${i}`;
        started.push(applicationId);
        await startJourney(temporal, taskQueue, applicationId, atsEvent('ats.application.created', Date.now(), { application: { id: applicationId, jobId: 'job-1', jobTitle: 'Engineer' }, candidate: candidate({ timeZone: zone }) }, `${run}-h-${applicationId}`), { boardProjection });
      }
    }
    await new Promise((r) => setTimeout(r, 2000));
    await idle();
    const mean = async (prefix: string) => {
      const all = await Promise.all(Array.from({ length: sample }, (_, i) => historyOf(temporal, journeyWorkflowId(tenant, `${prefix}-${i}`))));
      const avg = (pick: (h: (typeof all)[number]) => number) => all.reduce((s, h) => s + pick(h), 0) / sample;
      return { events: avg((h) => h.events), bytes: avg((h) => h.bytes), markers: avg((h) => h.markers), upserts: avg((h) => h.upserts) };
    };
    const withBoard = await mean('hist-board');
    const without = await mean('hist-plain');
    console.log(
      `acknowledged journey (server, mean of ${sample}): without projection ${without.events.toFixed(1)} events / ${(without.bytes / 1024).toFixed(1)} KiB; ` +
        `with ${withBoard.events.toFixed(1)} events / ${(withBoard.bytes / 1024).toFixed(1)} KiB: +${(withBoard.events - without.events).toFixed(1)} events (its own: ${ownEvents(withBoard, without).toFixed(1)})`,
    );
  } finally {
    // Leave nothing running on a shared server: end this run's journeys.
    await timed(started.length, 64, (i) => temporal.workflow.getHandle(journeyWorkflowId(tenant, started[i]!)).terminate('benchmark over').then(() => undefined, () => undefined));
    await app.close();
    worker.shutdown();
    await working;
    await connection.close();
    await temporal.connection.close();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  // The time-skipping server occasionally wedges; never let that hold the figures above hostage.
  await Promise.race([typicalJourneyHistory(), new Promise<void>((resolve) => setTimeout(() => resolve(console.log('typical 60-day journey: gave up after 5 minutes')), 300_000).unref())]);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

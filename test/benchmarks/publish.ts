// Publish benchmark (issue 12, goal 4): how long POST /api/v1/journeys/{id}/publish takes with BENCH_JOURNEYS
// open journeys (default 10,000) following the journey on the board.
//
//   npm run bench -- publish                       (through the runner: PGlite and PostgreSQL)
//   node --import tsx test/benchmarks/publish.ts   (alone: PGlite only, unless BENCH_POSTGRES_ADMIN_URL is set)
//
// The board is filled directly (one insert of N journey_board rows, as running journeys would have written
// them), plus noise the count must leave out: a quarter as many journeys on another journey, as many completed
// ones, and another tenant's journeys on the same journey id. Publishing signals no journey (each takes the new
// version at its next stage change), so no Temporal server is needed or touched: the client is never connected.
// BENCH_PUBLISHES versions (default 20) are published through the real HTTP API (Fastify, API-key auth), each
// after saving a new draft; only the publish call is timed. Every answer must count exactly N journeys.
// Before, a publish signalled every running journey: 2 min at 5,007 journeys, with a backlog of workflow tasks
// that delayed new applicants' acknowledgements up to 5.5 min (issue 12).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parse } from 'yaml';
import type { Database } from '../../core/store';
import type { JourneyDefinition } from '../../workflows/engine';
import { apiHarness } from '../helpers/api-harness';
import { emit, onEachDatabase, percentile, round, runScript } from './support';

const QUICK = process.env.BENCH_QUICK === '1';
const JOURNEYS = Number(process.env.BENCH_JOURNEYS ?? 10_000);
const PUBLISHES = Number(process.env.BENCH_PUBLISHES ?? (QUICK ? 5 : 20));
const GOAL_MS = 1_000;
const log = (m: string) => console.error(`[publish] ${m}`);

const DEFAULT_EN = parse(readFileSync(join(__dirname, '..', '..', 'journeys', 'default-en.yaml'), 'utf8')) as JourneyDefinition;

/** `count` board rows of `tenant` on `journeyId`, application ids `{prefix}{i}`, written in one statement. */
async function boardRows(db: Database, tenant: string, journeyId: string, prefix: string, count: number, status: 'open' | 'completed'): Promise<void> {
  await db.query(
    `insert into journey_board (tenant_id, application_id, journey_id, definition_version, status, stage, waiting_since, seq)
     select $1, $2 || i, $3, $3 || '@v0', $4, 'screening', now() - (i || ' minutes')::interval, 1 from generate_series(1, $5::int) as i`,
    [tenant, prefix, journeyId, status, count],
  );
}

async function measure(kind: 'PGlite' | 'PostgreSQL', db: Database): Promise<void> {
  const temporal = new Client({ connection: Connection.lazy({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }) });
  const api = await apiHarness({ temporal, db });
  try {
    await boardRows(db, 'acme', 'sales', 'open-', JOURNEYS, 'open');
    await boardRows(db, 'acme', 'default-en', 'other-', Math.ceil(JOURNEYS / 4), 'open');
    await boardRows(db, 'acme', 'sales', 'done-', Math.ceil(JOURNEYS / 4), 'completed');
    await boardRows(db, 'globex', 'sales', 'open-', Math.ceil(JOURNEYS / 4), 'open');
    log(`${kind}: ${JOURNEYS} open journeys on "sales" (and ${3 * Math.ceil(JOURNEYS / 4)} rows it must not count) on the board`);
    const durations: number[] = [];
    for (let version = 1; version <= PUBLISHES; version++) {
      const definition = { ...DEFAULT_EN, id: 'sales', name: `Sales v${version}` };
      const saved = await api.call('acme', 'PUT', '/api/v1/journeys/sales/draft', definition);
      if (saved.statusCode >= 300) throw new Error(`saving the draft answered ${saved.statusCode}: ${saved.body}`);
      const started = performance.now();
      const published = await api.call('acme', 'POST', '/api/v1/journeys/sales/publish');
      durations.push(performance.now() - started);
      const body = published.json<{ version: number; runningJourneys: { following: number } }>();
      if (published.statusCode !== 201 || body.version !== version || body.runningJourneys.following !== JOURNEYS) {
        throw new Error(`publish ${version} answered ${published.statusCode}: ${published.body}`);
      }
    }
    const worst = round(Math.max(...durations), 1);
    emit({
      figure: `publish with ${JOURNEYS.toLocaleString('en')} running journeys, p50 (${kind})`,
      value: round(percentile(durations, 50), 1),
      unit: 'ms',
      goal: '—',
      pass: null,
      ratio: null,
      baseline: null,
      note: `${PUBLISHES} publishes through the HTTP API; board rows written directly; no journey signalled, no Temporal call`,
    });
    emit({
      figure: `publish with ${JOURNEYS.toLocaleString('en')} running journeys, slowest (${kind})`,
      value: worst,
      unit: 'ms',
      goal: `< ${GOAL_MS} ms`,
      pass: worst < GOAL_MS,
      ratio: null,
      baseline: null,
      bottleneck: 'storing the version (a transaction) and one count over the journey index; independent of running journeys but for the count',
    });
  } finally {
    await api.close();
  }
}

runScript(() => onEachDatabase('candor_bench_publish', log, measure));

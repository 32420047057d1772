// Recruiter API benchmark: latency of the candidates board (GET /api/v1/applications, from Temporal
// visibility) and of one application's timeline (GET /api/v1/applications/:id, two workflow queries) with
// BENCH_JOURNEYS open journeys (default 10,000), through the real HTTP server, worker and dev server.
//
//   node --import tsx test/benchmarks/api.ts        (against npm start's stack, or set TEMPORAL_ADDRESS)
//   BENCH_JOURNEYS=2000 BENCH_CONCURRENCY=8 node --import tsx test/benchmarks/api.ts
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '../../services/api/server';
import { loadConfig } from '../../services/config';
import { createLogger } from '../../services/logger';
import { addApiKey, ensureTenant, generateApiKey, migrate, openPgliteDatabase } from '../../services/store';
import { connectTemporalClient } from '../../services/temporal/connection';
import { signalJourney } from '../../services/temporal/journeys';
import { startWorker } from '../../services/worker';
import { SA_TENANT } from '../../workflows/shared';
import { atsEvent, candidate, daytimeZone } from '../helpers/events';

const JOURNEYS = Number(process.env.BENCH_JOURNEYS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BOARD_REQUESTS = Number(process.env.BENCH_BOARD_REQUESTS ?? 100);
const TIMELINE_REQUESTS = Number(process.env.BENCH_TIMELINE_REQUESTS ?? 1000);
const run = Date.now().toString(36);
const tenant = `bench-${run}`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** Runs `count` calls of `fn`, `concurrency` at a time; returns each call's duration in ms. */
async function timed(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const started = performance.now();
        await fn(i);
        durations.push(performance.now() - started);
      }
    }),
  );
  return durations;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-bench-api-'));
  const config = loadConfig({ ...process.env, CANDOR_DATA_DIR: dataDir, TEMPORAL_TASK_QUEUE: `bench-api-${run}`, LOG_LEVEL: 'error' });
  const logger = createLogger({ logLevel: 'error', secrets: [] });
  const db = await openPgliteDatabase(join(dataDir, 'pglite'));
  await migrate(db);
  await ensureTenant(db, { id: tenant, name: 'Bench' });
  const key = generateApiKey();
  await addApiKey(db, tenant, key, 'bench');
  const temporal = await connectTemporalClient(config);
  const worker = await startWorker(config, { logger, db, events: { publish: async () => undefined } });
  const app = buildApi({ logger, probes: [], v1: { db, temporal, publicUrl: 'http://localhost' } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };

  try {
    const zone = daytimeZone();
    let started = Date.now();
    await timed(JOURNEYS, 64, async (i) => {
      const applicationId = `app-${i}`;
      await signalJourney(temporal, config.temporal.taskQueue, { tenant, applicationId }, atsEvent('ats.application.created', Date.now(), { application: { id: applicationId, jobId: 'job-1', jobTitle: 'Engineer' }, candidate: candidate({ timeZone: zone }) }, `${run}-${i}`));
    });
    console.log(`started ${JOURNEYS} journeys in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    for (;;) {
      const { count } = await temporal.workflow.count(`${SA_TENANT.name} = "${tenant}" AND ExecutionStatus = "Running"`);
      if (count >= JOURNEYS) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`all ${JOURNEYS} visible on the board ${((Date.now() - started) / 1000).toFixed(1)} s later`);

    await get('/applications?limit=50');
    const board = await timed(BOARD_REQUESTS, CONCURRENCY, () => get('/applications?limit=50'));
    console.log(`board     GET /applications?limit=50 (${JOURNEYS} open): p50 ${percentile(board, 50).toFixed(0)} ms, p99 ${percentile(board, 99).toFixed(0)} ms (${BOARD_REQUESTS} requests, ${CONCURRENCY} concurrent)`);
    const timeline = await timed(TIMELINE_REQUESTS, CONCURRENCY, (i) => get(`/applications/app-${(i * 7919) % JOURNEYS}`));
    console.log(`timeline  GET /applications/:id: p50 ${percentile(timeline, 50).toFixed(1)} ms, p99 ${percentile(timeline, 99).toFixed(1)} ms (${TIMELINE_REQUESTS} requests, ${CONCURRENCY} concurrent)`);
  } finally {
    // Leave nothing running on a shared dev server: end this run's journeys.
    await timed(JOURNEYS, 64, (i) => temporal.workflow.getHandle(`journey/${tenant}/app-${i}`).terminate('benchmark over').then(() => undefined, () => undefined));
    await app.close();
    await worker.close();
    await temporal.connection.close();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

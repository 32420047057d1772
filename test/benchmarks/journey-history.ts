// Benchmark: history size of a typical 60-day journey, and worker memory per cached journey.
// Run: node --require ./core/temporal/workflow-thread-preload.cjs --import tsx --expose-gc test/benchmarks/journey-history.ts [journeys=300]
// (the preload, as every Candor launcher passes it, keeps the SDK from recording a stack trace per promise;
// TEMPORAL_WORKFLOW_STACK_TRACES=on, or `npx tsx --expose-gc …` without it, measures the worker with them).
// Uses the native time-skipping test server (TEMPORAL_TEST_SERVER or .local/venv) and an in-memory PGlite.
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { signalJourney } from '../../core/temporal/journeys';
import { journeyStatusQuery, type JourneyEvent } from '../../workflows/shared';
import { atsEvent } from '../helpers/events';
import { createTestWorker, createTestWorld, testDataConverter } from '../helpers/worker';

const DAY = 86_400_000;
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 300);
  const path = process.env.TEMPORAL_TEST_SERVER ?? join(__dirname, '../../.local/venv/bin/temporal-test-server');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } }, client: { dataConverter: testDataConverter } });
  const world = await createTestWorld();
  const worker = await createTestWorker(env.nativeConnection, 'bench', world);
  const running = worker.run();
  const send = async (app: string, event: JourneyEvent) => {
    const handle = await signalJourney(env.client, 'bench', { tenant: 'acme', applicationId: app }, event, { searchAttributes: false });
    await handle.query(journeyStatusQuery);
    return handle;
  };

  // (1) A typical 60-day journey: applied, screening on day 3, interview on day 21 (scheduled day 14),
  // completed, then a long decision, rejected on day 60.
  const t0 = await env.currentTimeMs();
  const stage = (category: string) => ({ stage: { to: { id: category, name: category, category } } });
  const interview = { interview: { id: 'i1', start: new Date(t0 + 21 * DAY).toISOString(), end: new Date(t0 + 21 * DAY + 3_600_000).toISOString() } };
  const handle = await send('typical', atsEvent('ats.application.created', t0));
  await env.sleep(3 * DAY);
  await send('typical', atsEvent('ats.application.stage_changed', t0 + 3 * DAY, stage('screening')));
  await env.sleep(11 * DAY);
  await send('typical', atsEvent('ats.interview.scheduled', t0 + 14 * DAY, { ...stage('interview'), ...interview }));
  await env.sleep(8 * DAY);
  await send('typical', atsEvent('ats.interview.completed', t0 + 22 * DAY, interview));
  await env.sleep(38 * DAY);
  await send('typical', atsEvent('ats.application.rejected', t0 + 60 * DAY));
  await env.sleep(3 * DAY);
  await handle.result();
  const history = await handle.fetchHistory();
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  const messages = (await world.db.query('select 1 from outbox where application_id = $1', ['typical'])).rows.length;
  console.log(`typical 60-day journey: ${history.events?.length ?? 0} history events, ${(bytes / 1024).toFixed(1)} KiB (encrypted payloads), ${messages} messages sent`);

  // (2) Worker memory per cached journey: open journeys waiting on timers stay in the worker's cache.
  gc?.();
  const before = process.memoryUsage();
  for (let i = 0; i < count; i++) await send(`cached-${i}`, atsEvent('ats.application.created', await env.currentTimeMs()));
  gc?.();
  const after = process.memoryUsage();
  const perJourney = (after.heapUsed + after.external - before.heapUsed - before.external) / count;
  console.log(`worker memory: ${count} cached journeys, +${((after.rss - before.rss) / 1048576).toFixed(1)} MiB RSS, ~${(perJourney / 1024).toFixed(1)} KiB heap+external per journey${gc ? '' : ' (run with --expose-gc for steadier figures)'}`);

  worker.shutdown();
  await running;
  await world.db.close();
  await env.teardown();
}

void main().then(() => process.exit(0));

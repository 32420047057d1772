// Ingest benchmark: (a) a bare loop of signalWithStart calls against the Temporal dev server and (b) the
// ingest pipeline from Kafka to signal, in one run, on the same server, with the same concurrency.
// Prints events/s for both, their ratio, and event-to-signal latency p50/p99 at a steady rate.
//
//   node --import tsx test/benchmarks/ingest.ts            (against npm start's stack, or set TEMPORAL_ADDRESS / KAFKA_BROKERS)
//   BENCH_EVENTS=10000 BENCH_CONCURRENCY=64 node --import tsx test/benchmarks/ingest.ts
//
// No worker runs: the measure is how fast Temporal accepts signals, which is the ingest's job.
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Registry } from 'prom-client';
import { loadConfig } from '../../core/config';
import { exampleEvent } from '../../core/events/examples';
import { startIngest } from '../../services/ingest';
import { ensureTenant, migrate, openPgliteDatabase } from '../../core/store';
import { createLogger } from '../../core/logger';
import { signalJourney } from '../../core/temporal/journeys';
import { createPayloadCodec } from '../../core/temporal/connection';
import type { JourneyEvent } from '../../workflows/shared';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const PER_APPLICATION = 5;
const run = Date.now().toString(36);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

function events(prefix: string, count: number, tenant = 'bench') {
  return Array.from({ length: count }, (_, i) => {
    const applicationId = `${prefix}-${Math.floor(i / PER_APPLICATION)}`;
    const type = i % PER_APPLICATION === 0 ? 'ats.application.created' : 'ats.candidate.updated';
    return exampleEvent(type, { tenant, applicationId, id: `${prefix}-e${i}` });
  });
}

async function main() {
  const config = loadConfig({ ...process.env, TEMPORAL_TASK_QUEUE: `bench-${run}`, KAFKA_GROUP_ID: `bench-${run}`, LOG_LEVEL: 'error' });
  const logger = createLogger({ logLevel: 'error', secrets: [] });
  // Accept times of every signal, keyed by event id, to measure event-to-signal latency exactly.
  const accepted = new Map<string, number>();
  const interceptor: WorkflowClientInterceptor = {
    async signalWithStart(input, next) {
      const runId = await next(input);
      const event = input.signalArgs[0] as JourneyEvent;
      accepted.set(event.id, Date.now());
      return runId;
    },
  };
  const client = new Client({
    connection: await Connection.connect({ address: config.temporal.address }),
    namespace: config.temporal.namespace,
    dataConverter: { payloadCodecs: [createPayloadCodec(config)] },
    interceptors: { workflow: [interceptor] },
  });
  const kafka = new Kafka({ clientId: `bench-${run}`, brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
  const topic = `bench.ats.events.${run}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  console.log(`Temporal ${config.temporal.address}, Kafka ${config.kafka.brokers.join(',')}: ${EVENTS} events over ${EVENTS / PER_APPLICATION} applications, ${CONCURRENCY} in flight`);

  // Warm up the connection and the namespace's caches.
  await Promise.all(events(`warm-${run}`, 50).map((e) => signalJourney(client, config.temporal.taskQueue, { tenant: e.tenant, applicationId: e.subject }, e)));

  // (a) bare: CONCURRENCY workers, each application's events in order, like the pipeline.
  const bare = events(`bare-${run}`, EVENTS);
  const byApplication = new Map<string, typeof bare>();
  for (const e of bare) byApplication.set(e.subject, [...(byApplication.get(e.subject) ?? []), e]);
  const queue = [...byApplication.values()];
  const bareStart = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let chain = queue.shift(); chain; chain = queue.shift()) {
        for (const e of chain) await signalJourney(client, config.temporal.taskQueue, { tenant: e.tenant, applicationId: e.subject }, { id: e.id, type: e.type, time: e.time, data: e.data });
      }
    }),
  );
  const bareRate = EVENTS / ((Date.now() - bareStart) / 1000);
  console.log(`(a) bare signalWithStart loop: ${bareRate.toFixed(0)} events/s`);

  // (b) pipeline from a backlog: every event already on the topic, as after a burst.
  const backlog = events(`pipe-${run}`, EVENTS);
  for (let i = 0; i < backlog.length; i += 500) {
    await producer.send({ topic, messages: backlog.slice(i, i + 500).map((e) => ({ key: `${e.tenant}:${e.subject}`, value: JSON.stringify(e) })) });
  }
  const registry = new Registry();
  const done = (ids: { id: string }[]) => ids.every((e) => accepted.has(e.id));
  const pipeStart = Date.now();
  // Ingest accepts only tenants that exist (looked up once per few seconds per tenant, so the cost is nil).
  const db = await openPgliteDatabase(undefined);
  await migrate(db);
  await ensureTenant(db, { id: 'bench', name: 'Bench' });
  const ingest = await startIngest(config, { logger, temporal: client, db, registry, kafka }, { topic, maxInFlight: CONCURRENCY });
  while (!done(backlog)) await new Promise((r) => setTimeout(r, 5));
  const firstAccepted = Math.min(...backlog.map((e) => accepted.get(e.id)!));
  const lastAccepted = Math.max(...backlog.map((e) => accepted.get(e.id)!));
  const pipeRate = EVENTS / ((lastAccepted - firstAccepted) / 1000);
  console.log(`(b) ingest pipeline, Kafka → signal: ${pipeRate.toFixed(0)} events/s (first signal ${firstAccepted - pipeStart} ms after start: group join)`);
  console.log(`    ratio pipeline / bare: ${((pipeRate / bareRate) * 100).toFixed(0)}% (goal ≥ 80%)`);

  // (c) latency at a steady rate (half the pipeline's peak), from the event's time to Temporal's accept.
  const rate = Math.max(50, Math.floor(pipeRate / 2));
  const steady = events(`steady-${run}`, rate * 5);
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const started = Date.now();
  for (let i = 0, tick = 0; i < steady.length; i += perTick, tick++) {
    const now = new Date().toISOString();
    const slice = steady.slice(i, i + perTick).map((e) => ({ ...e, time: now }));
    steady.splice(i, slice.length, ...slice);
    await producer.send({ topic, messages: slice.map((e) => ({ key: `${e.tenant}:${e.subject}`, value: JSON.stringify(e) })) });
    await new Promise((r) => setTimeout(r, Math.max(0, started + (tick + 1) * tickMs - Date.now())));
  }
  while (!done(steady)) await new Promise((r) => setTimeout(r, 5));
  const latencies = steady.map((e) => accepted.get(e.id)! - Date.parse(e.time));
  console.log(`(c) event-to-signal latency at ${rate} events/s: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);

  await ingest.close();
  await db.close();
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  await client.connection.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { Registry } from 'prom-client';
import { startIngest, type IngestRole } from '../../services/ingest';
import { createLogger } from '../../core/logger';
import { ensureTenant } from '../../core/store';
import { testConfig, unique } from '../helpers/env';
import { applicationEvents, atsProducer, firstOccurrences, openScript, privateTemporal, signalledEventIds, testKafka, waitForJourneys } from '../helpers/ingest-harness';
import { createTestWorker, createTestWorld, testClient, type TestWorld } from '../helpers/worker';

// Its own dev server, stopped for 30 s in this test, so no other test notices.
const temporal = privateTemporal(17410);
const OUTAGE_MS = 30_000;

describe('ingest while Temporal is down', () => {
  const tenant = unique('outage').toLowerCase();
  const taskQueue = unique('outage');
  const kafka = testKafka();
  const registry = new Registry();
  let client: Client;
  let ingest: IngestRole;
  let world: TestWorld;

  async function runWorkerUntil<T>(fn: () => Promise<T>): Promise<T> {
    const connection = await NativeConnection.connect({ address: temporal.address });
    try {
      const worker: Worker = await createTestWorker(connection, taskQueue, world);
      return await worker.runUntil(fn());
    } finally {
      await connection.close();
    }
  }

  beforeAll(async () => {
    await temporal.start();
    client = await testClient(temporal.address);
    world = await createTestWorld();
    const config = testConfig({ TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue, KAFKA_GROUP_ID: unique('outage-group') });
    await ensureTenant(world.db, { id: tenant, name: tenant });
    ingest = await startIngest(config, { logger: createLogger({ logLevel: 'silent', secrets: [] }), temporal: client, db: world.db, registry }, { signalTimeoutMs: 2_000, initialBackoffMs: 250, maxBackoffMs: 2_000 });
  });
  afterAll(async () => {
    await ingest?.close();
    await client?.connection.close();
    await world?.db.close();
    await temporal.dispose();
  }, 60_000);

  it('applies every event that arrived during a 30-second outage once it returns: none lost, none twice, each application in order', async () => {
    const applications = Array.from({ length: 10 }, () => unique('app'));
    const perApplication = 1 + OUTAGE_MS / 3_000;
    const scripts = applications.map((id) => applicationEvents(tenant, id, openScript(perApplication)));
    const producer = await atsProducer(kafka);

    await runWorkerUntil(async () => {
      await producer.sendEvents(scripts.map((s) => s[0]!));
      await waitForJourneys(client, tenant, applications, (s) => s.eventsApplied === 1);
    });

    await temporal.stop();
    const outageStarted = Date.now();
    // Events keep arriving, one round every 3 s, for the whole outage.
    for (let round = 1; round < perApplication; round++) {
      await producer.sendEvents(scripts.map((s) => s[round]!));
      await new Promise((r) => setTimeout(r, Math.max(0, outageStarted + round * 3_000 - Date.now())));
    }
    const metricsDuringOutage = await registry.metrics();
    expect(metricsDuringOutage).toMatch(/candor_ingest_signal_failures_total [1-9]/);
    // Nothing past the first unaccepted event is committed: the consumer stays behind by at least the outage's events.
    expect(metricsDuringOutage).toMatch(/candor_ingest_consumer_lag\{topic="ats.events",partition="\d"\} [1-9]/);
    expect(Date.now() - outageStarted).toBeGreaterThanOrEqual(OUTAGE_MS);

    await temporal.start();
    await runWorkerUntil(async () => {
      const statuses = await waitForJourneys(client, tenant, applications, (s) => s.eventsApplied >= perApplication);
      for (const status of statuses.values()) expect(status).toMatchObject({ eventsApplied: perApplication, lastEventType: 'ats.candidate.updated' });
      for (const [i, id] of applications.entries()) {
        expect(firstOccurrences(await signalledEventIds(client, tenant, id))).toEqual(scripts[i]!.map((e) => e.id));
      }
    });
    await producer.disconnect();
  }, 180_000);
});

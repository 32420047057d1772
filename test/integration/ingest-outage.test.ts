import { unique } from '../helpers/env';
import { useFixture } from '../helpers/fixture';
import { applicationEvents, atsProducer, firstOccurrences, openScript, signalledEventIds, testKafka, waitForJourneys } from '../helpers/ingest-harness';

const OUTAGE_MS = 30_000;

describe('ingest while Temporal is down', () => {
  const tenant = unique('outage').toLowerCase();
  // Its own dev server, stopped for 30 s in this test, so no other test notices.
  const t = useFixture({ tenants: ['acme', tenant], temporal: 'own-dev-server', ingest: { signalTimeoutMs: 2_000, initialBackoffMs: 250, maxBackoffMs: 2_000 } }, { stop: 60_000 });
  const kafka = testKafka();

  it('applies every event that arrived during a 30-second outage once it returns: none lost, none twice, each application in order', async () => {
    const applications = Array.from({ length: 10 }, () => unique('app'));
    const perApplication = 1 + OUTAGE_MS / 3_000;
    const scripts = applications.map((id) => applicationEvents(tenant, id, openScript(perApplication)));
    const producer = await atsProducer(kafka);

    await t.withWorker(async () => {
      await producer.sendEvents(scripts.map((s) => s[0]!));
      await waitForJourneys(t.client, tenant, applications, (s) => s.eventsApplied === 1);
    });

    await t.devServer.stop();
    const outageStarted = Date.now();
    // Events keep arriving, one round every 3 s, for the whole outage.
    for (let round = 1; round < perApplication; round++) {
      await producer.sendEvents(scripts.map((s) => s[round]!));
      await new Promise((r) => setTimeout(r, Math.max(0, outageStarted + round * 3_000 - Date.now())));
    }
    const metricsDuringOutage = await t.registry.metrics();
    expect(metricsDuringOutage).toMatch(/candor_ingest_signal_failures_total [1-9]/);
    // Nothing past the first unaccepted event is committed: the consumer stays behind by at least the outage's events.
    expect(metricsDuringOutage).toMatch(/candor_ingest_consumer_lag\{topic="ats.events",partition="\d"\} [1-9]/);
    expect(Date.now() - outageStarted).toBeGreaterThanOrEqual(OUTAGE_MS);

    await t.devServer.start();
    await t.withWorker(async () => {
      const statuses = await waitForJourneys(t.client, tenant, applications, (s) => s.eventsApplied >= perApplication);
      for (const status of statuses.values()) expect(status).toMatchObject({ eventsApplied: perApplication, lastEventType: 'ats.candidate.updated' });
      for (const [i, id] of applications.entries()) {
        expect(firstOccurrences(await signalledEventIds(t.client, tenant, id))).toEqual(scripts[i]!.map((e) => e.id));
      }
    });
    await producer.disconnect();
  }, 180_000);
});

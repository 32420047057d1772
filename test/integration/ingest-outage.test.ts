import { journeyWorkflowId } from '../../workflows/shared';
import { unique } from '../helpers/env';
import { useFixture } from '../helpers/fixture';
import { applicationEvents, atsProducer, firstOccurrences, openScript, signalledEventIds, testKafka, waitForJourneys } from '../helpers/ingest-harness';

const OUTAGE_MS = 30_000;

describe('ingest while Temporal is down', () => {
  const tenant = unique('outage').toLowerCase();
  // Its own dev server, stopped for 30 s in this test, so no other test notices.
  const t = useFixture({ tenants: ['acme', tenant], temporal: 'own-dev-server', ingest: { signalTimeoutMs: 2_000, initialBackoffMs: 250, maxBackoffMs: 2_000 } }, { stop: 60_000 });
  const kafka = testKafka();
  /**
   * Resolves once every application's journey has completed a workflow task (5 history events: started, signalled,
   * task scheduled, started, completed) and has none scheduled or running.
   */
  const settled = async (applicationIds: string[]): Promise<void> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const described = await Promise.all(applicationIds.map((id) => t.client.workflow.getHandle(journeyWorkflowId(tenant, id)).describe().catch(() => undefined)));
      if (described.every((d) => d !== undefined && !d.raw.pendingWorkflowTask && Number(d.raw.workflowExecutionInfo?.historyLength ?? 0) >= 5)) return;
      if (Date.now() > deadline) throw new Error('journeys still had workflow tasks under way after 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('applies every event that arrived during a 30-second outage once it returns: none lost, none twice, each application in order', async () => {
    const applications = Array.from({ length: 10 }, () => unique('app'));
    const perApplication = 1 + OUTAGE_MS / 3_000;
    const scripts = applications.map((id) => applicationEvents(tenant, id, openScript(perApplication)));
    const producer = await atsProducer(kafka);

    await t.withWorker(async () => {
      await producer.sendEvents(scripts.map((s) => s[0]!));
      // Every journey's first workflow task is through (in office hours the acknowledgement's send runs inside it) before
      // the worker stops: this test is about ingest during an outage, not a worker stopped in mid-send. A query that
      // reaches a journey during that task is test/integration/journey-replay.test.ts's case.
      await settled(applications);
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

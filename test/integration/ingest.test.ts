import { exampleData, exampleEvent } from '../../core/events/examples';
import { journeyWorkflowId } from '../../workflows/shared';
import { ensureTenant } from '../../core/store';
import { unique } from '../helpers/env';
import { useFixture } from '../helpers/fixture';
import { applicationEvents, atsProducer, dlqWatcher, firstOccurrences, openScript, signalledEventIds, testKafka, waitForJourneys } from '../helpers/ingest-harness';

describe('ingest: ats.events into journeys, on the real broker and dev server', () => {
  const tenant = unique('ing').toLowerCase();
  // Its own Temporal dev server: other test files' ingest roles read ats.events too, and must not start our journeys on their task queues.
  const t = useFixture({ tenants: ['acme', tenant], temporal: 'own-dev-server', worker: true, ingest: true });
  const kafka = testKafka();
  let producer: Awaited<ReturnType<typeof atsProducer>>;

  beforeAll(async () => {
    producer = await atsProducer(kafka);
    t.onTeardown(() => producer.disconnect());
  });

  it('sends malformed JSON, a wrong envelope, an unknown type and an invalid phone to the DLQ with their reasons, and processes the next valid event', async () => {
    const marker = unique('bad');
    const applicationId = unique('app');
    const valid = exampleEvent('ats.application.created', { tenant, applicationId, id: `${applicationId}-ok` });
    const watcher = await dlqWatcher(kafka, unique('dlq-watch'), marker, `${t.taskQueue}-ingest`);
    await producer.sendEvents([
      { key: `${tenant}:${applicationId}`, value: `{"id": "${marker}", ` },
      { key: `${tenant}:${applicationId}`, value: JSON.stringify({ ...valid, id: `${marker}-1`, specversion: '0.3' }) },
      { key: `${tenant}:${applicationId}`, value: JSON.stringify({ ...valid, id: `${marker}-2`, type: 'ats.application.teleported' }) },
      {
        key: `${tenant}:${applicationId}`,
        value: JSON.stringify({ ...valid, id: `${marker}-3`, data: { ...valid.data, candidate: { ...exampleData(applicationId)['ats.application.created'].candidate, phone: '0701234567' } } }),
      },
      { key: `${tenant}:${applicationId}`, value: JSON.stringify(valid) },
    ]);
    const dead = await watcher.waitFor(4);
    await watcher.close();
    expect(dead.map((d) => d.headers['candor-error-reason'])).toEqual(['not-json', 'invalid-envelope', 'unknown-type', 'invalid-data']);
    expect(dead[0]!.value).toBe(`{"id": "${marker}", `); // the original bytes
    expect(dead[3]!.headers['candor-error']).toContain('data.candidate.phone');
    expect(dead[3]!.headers['candor-error']).not.toContain('0701234567');
    for (const d of dead) expect(d.headers).toMatchObject({ 'candor-original-topic': 'ats.events', 'candor-consumer-group': `${t.taskQueue}-ingest`, 'candor-original-partition': expect.stringMatching(/^\d+$/), 'candor-original-offset': expect.stringMatching(/^\d+$/) });

    const statuses = await waitForJourneys(t.client, tenant, [applicationId], (s) => s.eventsApplied >= 1);
    expect(statuses.get(applicationId)).toMatchObject({ eventsApplied: 1, lastEventType: 'ats.application.created' });
  });

  it('applies an event delivered three times once', async () => {
    const applicationId = unique('app');
    const [created, updated] = applicationEvents(tenant, applicationId, ['ats.application.created', 'ats.candidate.updated']);
    await producer.sendEvents([created!, created!, created!, updated!]);
    const statuses = await waitForJourneys(t.client, tenant, [applicationId], (s) => s.lastEventType === 'ats.candidate.updated');
    expect(statuses.get(applicationId)).toMatchObject({ eventsApplied: 2, completed: false });
    // All three copies did reach the journey: the workflow, not the pipeline, made them harmless.
    expect(await signalledEventIds(t.client, tenant, applicationId)).toEqual([created!.id, created!.id, created!.id, updated!.id]);
  });

  it('keeps each application in order while many proceed in parallel', async () => {
    const applications = Array.from({ length: 30 }, () => unique('app'));
    const scripts = applications.map((id) => applicationEvents(tenant, id, openScript(6)));
    // Interleaved as several ATS tenants' traffic would be: event n of every application, then n + 1.
    const interleaved = scripts[0]!.flatMap((_, n) => scripts.map((s) => s[n]!));
    await producer.sendEvents(interleaved);
    await waitForJourneys(t.client, tenant, applications, (s) => s.eventsApplied === 6);
    for (const [i, id] of applications.entries()) {
      expect(firstOccurrences(await signalledEventIds(t.client, tenant, id))).toEqual(scripts[i]!.map((e) => e.id));
    }
  });

  it('dead-letters an event of a tenant that does not exist (unknown-tenant), starting no journey, and accepts the tenant seconds after it is created', async () => {
    const ghost = unique('ghost').toLowerCase();
    const applicationId = unique('app');
    const watcher = await dlqWatcher(kafka, unique('dlq-watch'), applicationId, `${t.taskQueue}-ingest`);
    const event = (n: number) => ({ key: `${ghost}:${applicationId}`, value: JSON.stringify(exampleEvent('ats.application.created', { tenant: ghost, applicationId, id: `${applicationId}-${n}` })) });
    await producer.sendEvents([event(0)]);
    const [dead] = await watcher.waitFor(1);
    expect(dead!.headers).toMatchObject({ 'candor-error-reason': 'unknown-tenant', 'candor-original-topic': 'ats.events' });
    expect(dead!.headers['candor-error']).toBe(`tenant "${ghost}" does not exist`);
    await expect(t.client.workflow.getHandle(journeyWorkflowId(ghost, applicationId)).describe()).rejects.toThrow(/not found/i);

    // Once the tenant exists its events are accepted: at the latest when the cached "unknown" answer expires.
    await ensureTenant(t.db, { id: ghost, name: 'Ghost' });
    let n = 1;
    await producer.sendEvents([event(n)]);
    for (;;) {
      const started = await t.client.workflow.getHandle(journeyWorkflowId(ghost, applicationId)).describe().then(() => true, () => false);
      if (started) break;
      await new Promise((r) => setTimeout(r, 500));
      await producer.sendEvents([event(++n)]);
    }
    await watcher.close();
    const applied = firstOccurrences(await signalledEventIds(t.client, ghost, applicationId));
    expect(applied.length).toBeGreaterThan(0);
    // The dead-lettered event was never applied, and nothing was dead-lettered for another reason.
    expect(applied).not.toContain(`${applicationId}-0`);
    expect(watcher.seen.every((d) => d.headers['candor-error-reason'] === 'unknown-tenant')).toBe(true);
    expect(await t.registry.metrics()).toMatch(/candor_ingest_events_dead_lettered_total\{reason="unknown-tenant"\} [1-9]/);
  });

  it('dead-letters a late event of an application whose candidate was erased (application-erased), starting no journey', async () => {
    const applicationId = unique('app');
    await t.db.query('insert into erased_applications (tenant_id, application_id) values ($1, $2)', [tenant, applicationId]);
    const watcher = await dlqWatcher(kafka, unique('dlq-watch'), applicationId, `${t.taskQueue}-ingest`);
    const late = exampleEvent('ats.application.stage_changed', { tenant, applicationId, id: `${applicationId}-late` });
    await producer.sendEvents([{ key: `${tenant}:${applicationId}`, value: JSON.stringify(late) }]);
    const [dead] = await watcher.waitFor(1);
    await watcher.close();
    expect(dead!.headers).toMatchObject({ 'candor-error-reason': 'application-erased', 'candor-original-topic': 'ats.events' });
    // The reason names neither the application nor the candidate.
    expect(dead!.headers['candor-error']).not.toContain(applicationId);
    await expect(t.client.workflow.getHandle(journeyWorkflowId(tenant, applicationId)).describe()).rejects.toThrow(/not found/i);
  });

  it('exposes consumed, signalled, dead-lettered by reason, lag and event-to-signal latency as Prometheus metrics', async () => {
    const text = await t.registry.metrics();
    expect(text).toMatch(/candor_ingest_events_consumed_total\{topic="ats.events"\} \d+/);
    expect(text).toMatch(/candor_ingest_events_signalled_total\{type="ats.application.created"\} \d+/);
    expect(text).toMatch(/candor_ingest_events_dead_lettered_total\{reason="not-json"\} [1-9]/);
    expect(text).toMatch(/candor_ingest_events_dead_lettered_total\{reason="invalid-data"\} [1-9]/);
    expect(text).toMatch(/candor_ingest_consumer_lag\{topic="ats.events",partition="\d"\} \d+/);
    expect(text).toMatch(/candor_ingest_event_to_signal_seconds_count [1-9]/);
    expect(text).not.toContain(tenant);
  });
});

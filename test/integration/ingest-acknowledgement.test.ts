import { exampleData, exampleEvent } from '../../core/events/examples';
import { journeyStatus, journeyTimeline } from '../../core/temporal/journeys';
import { journeyWorkflowId } from '../../workflows/shared';
import { unique } from '../helpers/env';
import { eventually } from '../helpers/eventually';
import { daytimeZone, nighttimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';
import { atsProducer, signalledEventIds, testKafka } from '../helpers/ingest-harness';

/*
 * Ingest sends a new journey's acknowledgement as soon as Temporal has started the journey (INGEST_ACKNOWLEDGEMENTS):
 * on the real broker, a dev server of this file's own, the sandbox provider and the worker's send path and ledger.
 * No worker polls the task queue until a test starts one, so every message seen before that came from ingest.
 */
describe('ingest acknowledges a new application once Temporal has started its journey', () => {
  const tenants = [unique('acka').toLowerCase(), unique('ackb').toLowerCase()];
  const t = useFixture({ tenants, temporal: 'own-dev-server', ingest: true, ingestAcknowledges: true });
  const kafka = testKafka();
  let producer: Awaited<ReturnType<typeof atsProducer>>;

  beforeAll(async () => {
    producer = await atsProducer(kafka);
    t.onTeardown(() => producer.disconnect());
  });

  /** A new application as an ATS sends it, its candidate in `timeZone`. */
  const created = (tenant: string, applicationId: string, timeZone: string, id = unique('evt')) => {
    const data = exampleData(applicationId)['ats.application.created'];
    const event = exampleEvent('ats.application.created', { tenant, applicationId, id, data: { ...data, candidate: { ...data.candidate, timeZone } } });
    return { key: `${tenant}:${applicationId}`, value: JSON.stringify(event) };
  };
  const outbox = async (applicationId: string) =>
    (
      await t.db.query<{ tenant_id: string; message_id: string; channel: string; template: string; locale: string }>(
        'select tenant_id, message_id, channel, template, locale from outbox where application_id = $1 order by tenant_id, sent_at',
        [applicationId],
      )
    ).rows;
  const acknowledgements = async (outcome: string, reason = '') => {
    const metric = await t.registry.getSingleMetric('candor_ingest_acknowledgements_total')?.get();
    return metric?.values.find((v) => v.labels.outcome === outcome && (v.labels.reason ?? '') === reason)?.value ?? 0;
  };
  /** Resolves once the journey has been signalled `n` ATS events (it may not exist yet when first asked). */
  const signalled = (tenant: string, applicationId: string, n: number) =>
    eventually(async () => ((await signalledEventIds(t.client, tenant, applicationId).catch(() => [])).length === n ? true : undefined));
  const workflowTasksCompleted = async (tenant: string, applicationId: string) => {
    const history = await t.client.workflow.getHandle(journeyWorkflowId(tenant, applicationId)).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes).length;
  };

  it('sends each tenant its own acknowledgement before any worker runs the journey, once for a repeated event; the journey then finds it sent', async () => {
    const applicationId = unique('app');
    const sentBefore = await acknowledgements('sent');
    const zone = daytimeZone();
    const first = created(tenants[0]!, applicationId, zone);
    // The same application id at two tenants (ids are unique inside one ATS account only); the first event twice, as a
    // producer retrying after a lost answer would.
    await producer.sendEvents([first, created(tenants[1]!, applicationId, zone), first]);

    const sent = await eventually(async () => {
      const rows = await outbox(applicationId);
      return rows.length >= 2 ? rows : undefined;
    });
    expect(sent).toEqual(
      tenants.map((tenant) => ({ tenant_id: tenant, message_id: `${applicationId}:applied.ack:1`, channel: 'email', template: 'applied.ack', locale: 'sv-SE' })).sort((a, b) => a.tenant_id.localeCompare(b.tenant_id)),
    );
    // Both journeys exist and no workflow task has run: ingest sent these.
    await signalled(tenants[0]!, applicationId, 2);
    for (const tenant of tenants) expect(await workflowTasksCompleted(tenant, applicationId)).toBe(0);
    expect((await acknowledgements('sent')) - sentBefore).toBe(2);
    // The board, the application's status and timeline (and the status page the message links to) show each journey
    // already: ingest wrote the record of the journey's first decision with it.
    const boardRows = async () =>
      (await t.db.query<{ tenant_id: string; stage: string; last_message_template: string | null; seq: string }>('select tenant_id, stage, last_message_template, seq::text from journey_board where application_id = $1 order by tenant_id', [applicationId])).rows;
    expect(await boardRows()).toEqual([...tenants].sort().map((tenant) => ({ tenant_id: tenant, stage: 'applied', last_message_template: 'applied.ack', seq: '0' })));
    const timeline = await t.db.query<{ entry: { type: string } }>('select entry from journey_timeline where tenant_id = $1 and application_id = $2 order by n', [tenants[0], applicationId]);
    expect(timeline.rows.map((r) => r.entry.type)).toEqual(['journey.started', 'stage.entered', 'message.scheduled', 'message.scheduled', 'message.dispatched']);

    // A worker takes the journeys: each records its acknowledgement as sent, and none sends it again.
    await t.withWorker(async () => {
      for (const tenant of tenants) {
        const status = await eventually(async () => {
          const s = await journeyStatus(t.client, tenant, applicationId);
          return s.lastMessageAt !== undefined ? s : undefined;
        });
        expect(status).toMatchObject({ eventsApplied: 1, stage: 'applied' });
        const timeline = await journeyTimeline(t.client, tenant, applicationId);
        expect(timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'message.dispatched', template: 'applied.ack', channel: 'email' })]));
      }
    });
    expect(await outbox(applicationId)).toHaveLength(2);
    // The journeys' own records replaced ingest's.
    for (const row of await boardRows()) expect(Number(row.seq)).toBeGreaterThanOrEqual(1);
    const ledger = await t.db.query<{ tenant_id: string; status: string; attempts: number }>(
      'select tenant_id, status, attempts from message_ledger where application_id = $1 order by tenant_id',
      [applicationId],
    );
    expect(ledger.rows).toEqual([...tenants].sort().map((tenant) => ({ tenant_id: tenant, status: 'delivered', attempts: 1 })));
  });

  it('sends nothing in the candidate\'s quiet hours: the journey holds the acknowledgement for the morning', async () => {
    const applicationId = unique('app');
    const noneBefore = await acknowledgements('none');
    await producer.sendEvents([created(tenants[0]!, applicationId, nighttimeZone())]);
    await eventually(async () => ((await acknowledgements('none')) > noneBefore ? true : undefined));
    expect(await outbox(applicationId)).toEqual([]);
  });

  it('leaves the acknowledgement to the journey when the application is not the journey\'s first event', async () => {
    const applicationId = unique('app');
    const tenant = tenants[1]!;
    const [sentBefore, noneBefore] = [await acknowledgements('sent'), await acknowledgements('none')];
    // The ATS's webhooks in another order: the stage change reached Candor before the application it belongs to.
    const moved = exampleEvent('ats.application.stage_changed', { tenant, applicationId, id: unique('evt') });
    await producer.sendEvents([{ key: `${tenant}:${applicationId}`, value: JSON.stringify(moved) }, created(tenant, applicationId, daytimeZone())]);
    await signalled(tenant, applicationId, 2);
    // Temporal started the journey with the stage change: ingest decided nothing for it, and sent nothing.
    expect(await outbox(applicationId)).toEqual([]);
    expect([await acknowledgements('sent'), await acknowledgements('none')]).toEqual([sentBefore, noneBefore]);
  });
});

/*
 * The same through the real Twilio and SendGrid SDKs, pointed at local servers that speak their APIs: what ingest sends
 * is the provider's message, and a provider that says "later" leaves the message to the journey, which sends it once.
 */
describe('ingest acknowledges through Twilio and SendGrid', () => {
  const tenant = unique('ackp').toLowerCase();
  // A request timeout far above the fakes' short default, so a held SMS is held for the whole test, not cut off.
  const t = useFixture({ tenants: [tenant], temporal: 'own-dev-server', fakes: true, ingest: true, ingestAcknowledges: (f) => f.providers(60_000) });
  const kafka = testKafka();
  let producer: Awaited<ReturnType<typeof atsProducer>>;

  beforeAll(async () => {
    producer = await atsProducer(kafka);
    t.onTeardown(() => producer.disconnect());
  });

  /** A new application whose candidate has only `channel` (the other withheld), in a zone where it is daytime. */
  const created = (applicationId: string, candidate: Record<string, unknown>) => {
    const data = exampleData(applicationId)['ats.application.created'];
    const event = exampleEvent('ats.application.created', {
      tenant,
      applicationId,
      id: unique('evt'),
      data: { ...data, candidate: { ...data.candidate, locale: 'en-GB', timeZone: daytimeZone(), ...candidate } },
    });
    return { key: `${tenant}:${applicationId}`, value: JSON.stringify(event) };
  };
  const left = async (reason: string) => {
    const metric = await t.registry.getSingleMetric('candor_ingest_acknowledgements_total')?.get();
    return metric?.values.find((v) => v.labels.outcome === 'left-to-journey' && v.labels.reason === reason)?.value ?? 0;
  };

  it('texts an SMS-only candidate through Twilio before any worker runs the journey', async () => {
    const applicationId = unique('app');
    const phone = '+447700900461';
    await producer.sendEvents([created(applicationId, { email: undefined, phone, consent: { email: false, sms: true } })]);
    const sms = await t.fakes.twilio.accepted(phone);
    expect(sms.body).toContain('Ada');
    expect(sms.statusCallback).toContain(`tenant=${tenant}`);
    const history = await t.client.workflow.getHandle(journeyWorkflowId(tenant, applicationId)).fetchHistory();
    expect((history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes)).toEqual([]);
  });

  it('does not hold the application\'s next event for a provider that is slow to answer (ACK_WAIT_MS), and the send still completes', async () => {
    const applicationId = unique('app');
    const phone = '+447700900462';
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    t.fakes.twilio.onCreate = (request) => (request.to === phone ? held : undefined);
    try {
      const first = created(applicationId, { email: undefined, phone, consent: { email: false, sms: true } });
      const updated = exampleEvent('ats.candidate.updated', { tenant, applicationId, id: unique('evt') });
      await producer.sendEvents([first, { key: `${tenant}:${applicationId}`, value: JSON.stringify(updated) }]);
      // One application's events go in order: the update reaches the journey while Twilio still holds the SMS.
      await eventually(async () => ((await signalledEventIds(t.client, tenant, applicationId).catch(() => [])).length === 2 ? true : undefined), 30_000);
      expect(t.fakes.twilio.sent.filter((m) => m.to === phone)).toEqual([]);
    } finally {
      release();
      t.fakes.twilio.onCreate = undefined;
    }
    const sms = await t.fakes.twilio.accepted(phone);
    expect(sms.statusCallback).toContain(`tenant=${tenant}`);
    const ledger = await eventually(async () => {
      const rows = (await t.db.query<{ status: string; attempts: number }>('select status, attempts from message_ledger where application_id = $1', [applicationId])).rows;
      return rows[0]?.status === 'accepted' ? rows : undefined;
    });
    expect(ledger).toEqual([{ status: 'accepted', attempts: 1 }]);
  });

  it('leaves the acknowledgement to the journey when SendGrid answers 429; the journey sends it once', async () => {
    const applicationId = unique('app');
    const email = `${applicationId}@example.com`;
    const before = await left('ProviderRateLimited');
    const requestsBefore = t.fakes.sendgrid.requests;
    t.fakes.sendgrid.failures.fail('429', 1);
    await producer.sendEvents([created(applicationId, { email, phone: undefined, consent: { email: true, sms: false } })]);
    await eventually(async () => ((await left('ProviderRateLimited')) > before ? true : undefined));
    expect(t.fakes.sendgrid.sent.filter((m) => m.to === email)).toEqual([]);

    await t.withWorker(
      () =>
        eventually(async () => {
          const s = await journeyStatus(t.client, tenant, applicationId);
          return s.lastMessageAt !== undefined ? s : undefined;
        }),
      { providers: t.providers() },
    );
    expect(t.fakes.sendgrid.sent.filter((m) => m.to === email)).toHaveLength(1);
    expect(t.fakes.sendgrid.requests - requestsBefore).toBe(2);
    // Ingest's attempt counts as the first of the row's attempts (a provider that keeps answering "later" fails the channel just as soon).
    const ledger = await t.db.query<{ status: string; attempts: number }>('select status, attempts from message_ledger where application_id = $1', [applicationId]);
    expect(ledger.rows).toEqual([{ status: 'accepted', attempts: 2 }]);
  });
});

import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { findLedgerRow, sendMessage, type DeliverRequest, type LedgerRow, type SendDeps } from '../../activities/messaging';
import type { JourneySignals } from '../../services/api/messaging';
import { loadMigrations, migrate } from '../../core/store';
import { signalJourney } from '../../core/temporal/journeys';
import type { TimelineEntry } from '../../workflows/engine';
import { journeyTimelineQuery, type CandidateReply, type DeliveryResult } from '../../workflows/shared';
import { databaseKinds } from '../helpers/databases';
import { unique } from '../helpers/env';
import { atsEvent, candidate, daytimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';
import { deliverRequest, STOCKHOLM_MORNING } from '../helpers/messaging-world';

/**
 * ATS application ids are unique inside one ATS account only, so two of Candor's tenants can share one. Every
 * key that names a message, a reply or an alert starts with the tenant (migration 007): the same application id
 * (and so the same message ids) in two tenants are two candidates, each acknowledged once.
 */
describe('tenant-scoped keys', () => {
  // One store (tenants acme and globex) for the journeys and the webhooks; the migration test makes its own.
  const signals: { tenant: string; applicationId: string; value: DeliveryResult | CandidateReply }[] = [];
  const journeys: JourneySignals = {
    deliveryResult: async (tenant, applicationId, value) => void signals.push({ tenant, applicationId, value }),
    reply: async (tenant, applicationId, value) => void signals.push({ tenant, applicationId, value }),
    status: async () => undefined,
  };
  const t = useFixture({ tenants: ['acme', 'globex'], temporal: 'shared', fakes: true, messagingApi: () => journeys });

  describe('migration 007 keeps every existing row', () => {
    const before = loadMigrations().filter((m) => m.version < 7);

    it.each(databaseKinds)('on %s', async (_kind, open) => {
      const { db, drop } = await open();
      try {
        await migrate(db, before);
        await db.query(
          `insert into message_ledger (message_id, channel, tenant_id, application_id, template, locale, recipient, provider, status, provider_message_id, attempts)
           values ('app-1:applied.ack:1', 'email', 'acme', 'app-1', 'applied.ack', 'sv-SE', 'a@example.com', 'sendgrid', 'accepted', 'sg-1', 1)`,
        );
        await db.query(
          `insert into outbox (message_id, tenant_id, application_id, channel, recipient, locale, template, body)
           values ('app-1:applied.ack:1', 'acme', 'app-1', 'sms', '+46700000001', 'sv-SE', 'applied.ack', 'Hej')`,
        );
        await db.query(`insert into recruiter_alerts (alert_id, tenant_id, application_id, reason) values ('app-1:alert:1', 'acme', 'app-1', 'waiting')`);
        await db.query(`insert into inbound_messages (provider_message_id, tenant_id, application_id, channel, body) values ('SM1', 'acme', 'app-1', 'sms', 'Tack')`);

        await migrate(db);

        expect((await db.query('select message_id, tenant_id, status, provider_message_id from message_ledger')).rows).toEqual([
          { message_id: 'app-1:applied.ack:1', tenant_id: 'acme', status: 'accepted', provider_message_id: 'sg-1' },
        ]);
        expect((await db.query('select message_id, tenant_id, body from outbox')).rows).toEqual([{ message_id: 'app-1:applied.ack:1', tenant_id: 'acme', body: 'Hej' }]);
        expect((await db.query('select alert_id, tenant_id from recruiter_alerts')).rows).toEqual([{ alert_id: 'app-1:alert:1', tenant_id: 'acme' }]);
        expect((await db.query('select provider_message_id, tenant_id from inbound_messages')).rows).toEqual([{ provider_message_id: 'SM1', tenant_id: 'acme' }]);

        // The same ids in another tenant are new rows now; in the same tenant they are still one.
        await db.query(
          `insert into message_ledger (message_id, channel, tenant_id, application_id, template, locale, recipient, provider, status)
           values ('app-1:applied.ack:1', 'email', 'globex', 'app-1', 'applied.ack', 'en', 'b@example.com', 'sandbox', 'pending')`,
        );
        await db.query(`insert into recruiter_alerts (alert_id, tenant_id, application_id, reason) values ('app-1:alert:1', 'globex', 'app-1', 'waiting')`);
        await db.query(`insert into inbound_messages (provider_message_id, tenant_id, application_id, channel, body) values ('SM1', 'globex', 'app-1', 'sms', 'Hi')`);
        await expect(
          db.query(
            `insert into message_ledger (message_id, channel, tenant_id, application_id, template, locale, recipient, provider, status)
             values ('app-1:applied.ack:1', 'email', 'acme', 'app-1', 'applied.ack', 'en', 'c@example.com', 'sandbox', 'pending')`,
          ),
        ).rejects.toThrow(/duplicate key/);
        expect((await db.query('select tenant_id from message_ledger order by tenant_id')).rows).toEqual([{ tenant_id: 'acme' }, { tenant_id: 'globex' }]);
      } finally {
        await db.close();
        await drop();
      }
    });
  });

  describe('two tenants, one application id, on the dev server', () => {
    it('acknowledges both candidates once each, and each timeline tells its own story', async () => {
      const applicationId = unique('app');
      const timeZone = daytimeZone();
      const tenants = [
        { tenant: 'acme', email: 'astrid@acme-candidate.test' },
        { tenant: 'globex', email: 'bo@globex-candidate.test' },
      ];
      await t.withWorker(async () => {
        const handles = await Promise.all(
          tenants.map(({ tenant, email }) =>
            signalJourney(
              t.client,
              t.taskQueue,
              { tenant, applicationId },
              atsEvent('ats.application.created', Date.now(), {
                application: { id: applicationId, jobId: 'job-7', jobTitle: 'Backend Engineer' },
                candidate: candidate({ email, phone: undefined, timeZone, consent: { email: true, sms: false } }),
              }),
              { searchAttributes: false },
            ),
          ),
        );
        // The journeys run on their own; their timelines say when the acknowledgement was delivered.
        const delivered = async (handle: (typeof handles)[number]): Promise<TimelineEntry[]> => {
          for (;;) {
            const timeline = await handle.query(journeyTimelineQuery);
            if (timeline.some((e) => e.type === 'message.delivered' || e.type === 'message.failed')) return timeline;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        };
        const timelines = await Promise.all(handles.map(delivered));
        for (const timeline of timelines) {
          expect(timeline.filter((e) => e.type === 'message.dispatched').map((e) => e.template)).toEqual(['applied.ack']);
          expect(timeline.filter((e) => e.type === 'message.delivered').map((e) => e.template)).toEqual(['applied.ack']);
          expect(timeline.filter((e) => e.type === 'message.failed')).toEqual([]);
        }
      });

      const outbox = (await t.db.query<{ tenant_id: string; recipient: string; message_id: string }>(
        'select tenant_id, recipient, message_id from outbox where application_id = $1 order by tenant_id',
        [applicationId],
      )).rows;
      expect(outbox.map((r) => [r.tenant_id, r.recipient])).toEqual(tenants.map((t) => [t.tenant, t.email]));
      // Both journeys chose the same message id: only the tenant tells the two messages apart.
      expect(outbox[0]!.message_id).toBe(outbox[1]!.message_id);
      const ledger = (await t.db.query<LedgerRow>('select * from message_ledger where application_id = $1 order by tenant_id', [applicationId])).rows;
      expect(ledger.map((r) => [r.tenant_id, r.recipient, r.status])).toEqual(tenants.map((t) => [t.tenant, t.email, 'delivered']));
      expect(new Set(ledger.map((r) => r.provider_message_id)).size).toBe(2);
      // Journey events are unique on the shared topic: their ids start with the tenant.
      const published = t.published.filter((e) => e.applicationId === applicationId);
      expect(published.length).toBeGreaterThanOrEqual(4);
      expect(new Set(published.map((e) => e.id)).size).toBe(published.length);
      for (const event of published) expect(event.id.startsWith(`${event.tenant}:`)).toBe(true);
    });
  });

  describe('status webhooks find the right tenant’s message', () => {
    const quiet = new DefaultLogger('ERROR');
    const run = (deps: SendDeps, request: DeliverRequest) => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(() => sendMessage(deps, request));
    let deps: SendDeps;

    beforeAll(() => {
      deps = { db: t.db, providers: t.providers(), publicUrl: t.messagingApi.url, calendarFor: () => loadDefaultJourneys().get('sv')!.definition, now: () => STOCKHOLM_MORNING };
    });

    it('Twilio and SendGrid statuses for the same message id in two tenants each reach their own row and journey', async () => {
      const base = deliverRequest();
      const acme = { ...base, tenant: 'acme', contact: { ...base.contact, phone: '+46701110001', email: 'one@acme-candidate.test' } };
      const globex = { ...base, tenant: 'globex', contact: { ...base.contact, phone: '+46701110002', email: 'two@globex-candidate.test' } };
      for (const request of [acme, globex]) {
        await run(deps, request);
        await run(deps, { ...request, channel: 'email' });
      }
      // Each tenant's send reached the provider: two SMS and two e-mails, to two different people.
      expect(t.fakes.twilio.sent.filter((m) => m.to === acme.contact.phone || m.to === globex.contact.phone)).toHaveLength(2);
      expect(t.fakes.sendgrid.sent.filter((m) => m.to === acme.contact.email || m.to === globex.contact.email)).toHaveLength(2);

      const sms = t.fakes.twilio.sent.find((m) => m.to === globex.contact.phone)!;
      expect(sms.statusCallback).toContain('tenant=globex');
      expect((await t.fakes.twilio.statusCallback(sms.sid, 'undelivered', { errorCode: '30003' })).status).toBe(204);
      const mail = t.fakes.sendgrid.sent.find((m) => m.to === globex.contact.email)!;
      expect((await t.fakes.sendgrid.postEvents(`${t.messagingApi.url}/webhooks/providers/sendgrid/events`, [t.fakes.sendgrid.event(mail, 'bounce', { reason: '550' })])).status).toBe(204);

      expect(await findLedgerRow(t.db, { ...globex, channel: 'sms' })).toMatchObject({ status: 'failed', recipient: globex.contact.phone });
      expect(await findLedgerRow(t.db, { ...globex, channel: 'email' })).toMatchObject({ status: 'failed', recipient: globex.contact.email });
      expect(await findLedgerRow(t.db, { ...acme, channel: 'sms' })).toMatchObject({ status: 'accepted', recipient: acme.contact.phone });
      expect(await findLedgerRow(t.db, { ...acme, channel: 'email' })).toMatchObject({ status: 'accepted', recipient: acme.contact.email });
      expect(signals.map((s) => [s.tenant, (s.value as DeliveryResult).channel, (s.value as DeliveryResult).status])).toEqual([
        ['globex', 'sms', 'failed'],
        ['globex', 'email', 'failed'],
      ]);
    });
  });
});

import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { createSandboxProvider, findLedgerRow, sendMessage, type DeliverRequest, type SendDeps } from '../../activities/messaging';
import type { JourneySignals } from '../../services/api/messaging';
import { addApiKey, generateApiKey } from '../../core/store';
import type { CandidateReply, DeliveryResult } from '../../workflows/shared';
import { useFixture } from '../helpers/fixture';
import { deliverRequest, STOCKHOLM_MORNING } from '../helpers/messaging-world';

const quiet = new DefaultLogger('ERROR');
const run = (deps: SendDeps, request: DeliverRequest) => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(() => sendMessage(deps, request));

/** The unsubscribe link, SendGrid unsubscribe events, Twilio START and failure statuses, and GET /api/v1/outbox. */
describe('messaging webhooks, unsubscribe link and outbox (real SDKs to fakes, PGlite)', () => {
  const signals: { kind: string; tenant: string; applicationId: string; value: DeliveryResult | CandidateReply }[] = [];
  const journeys: JourneySignals = {
    deliveryResult: async (tenant, applicationId, value) => void signals.push({ kind: 'delivery', tenant, applicationId, value }),
    reply: async (tenant, applicationId, value) => void signals.push({ kind: 'reply', tenant, applicationId, value }),
    status: async () => undefined,
  };
  const t = useFixture({ fakes: true, messagingApi: () => journeys });
  let real: SendDeps;
  let sandbox: SendDeps;

  beforeAll(() => {
    const calendarFor = () => loadDefaultJourneys().get('sv')!.definition;
    real = { db: t.db, providers: t.providers(), publicUrl: t.messagingApi.url, calendarFor, now: () => STOCKHOLM_MORNING };
    sandbox = { ...real, providers: { sms: createSandboxProvider(t.db, 'sms'), email: createSandboxProvider(t.db, 'email') } };
  });

  it('the e-mail unsubscribe link: GET only asks, POST (one-click) opts out and the next e-mail is not sent', async () => {
    const first = deliverRequest({ channel: 'email', contact: { ...deliverRequest().contact, email: 'Link@Example.com' } });
    await run(real, first);
    const mail = t.fakes.sendgrid.sent.at(-1)!;
    const url = /^<(.+)>$/.exec(mail.headers['List-Unsubscribe']!)![1]!;
    expect(url.startsWith(`${t.messagingApi.url}/unsubscribe?token=`)).toBe(true);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect((await t.db.query("select 1 from consent_opt_outs where contact = 'link@example.com'")).rows).toHaveLength(0);

    const done = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Klart');
    expect(signals.at(-1)).toMatchObject({ kind: 'reply', applicationId: first.applicationId, value: { channel: 'email', optOut: true } });
    const next = { ...first, messageId: `${first.messageId}-next` };
    await expect(run(real, next)).rejects.toMatchObject({ type: 'OptedOut' });
    expect(t.fakes.sendgrid.sent.filter((m) => m.to === 'Link@Example.com')).toHaveLength(1);
  });

  it('SendGrid unsubscribe and bounce events opt out and fail the ledger row', async () => {
    const request = deliverRequest({ channel: 'email', contact: { ...deliverRequest().contact, email: 'bounce@example.com' } });
    await run(real, request);
    const mail = t.fakes.sendgrid.sent.at(-1)!;
    const events = `${t.messagingApi.url}/webhooks/providers/sendgrid/events`;
    expect((await t.fakes.sendgrid.postEvents(events, [t.fakes.sendgrid.event(mail, 'bounce', { reason: '550 no such user' }), t.fakes.sendgrid.event(mail, 'unsubscribe')])).status).toBe(204);
    expect(await findLedgerRow(t.db, { ...request, channel: 'email' })).toMatchObject({ status: 'failed', failure_type: 'InvalidRecipient' });
    expect((await t.db.query("select source from consent_opt_outs where contact = 'bounce@example.com'")).rows).toEqual([{ source: 'sendgrid-unsubscribe' }]);
  });

  it('Twilio: an undelivered status fails the ledger row; START after STOP opts back in', async () => {
    const request = deliverRequest({ contact: { ...deliverRequest().contact, phone: '+46705551234' } });
    await run(real, request);
    const sms = t.fakes.twilio.sent.at(-1)!;
    expect((await t.fakes.twilio.statusCallback(sms.sid, 'undelivered', { errorCode: '30003' })).status).toBe(204);
    expect(await findLedgerRow(t.db, { ...request, channel: 'sms' })).toMatchObject({ status: 'failed', failure_reason: 'Twilio undelivered 30003' });
    expect(signals.at(-1)).toMatchObject({ kind: 'delivery', value: { messageId: request.messageId, channel: 'sms', status: 'failed' } });

    const inbound = `${t.messagingApi.url}/webhooks/providers/twilio/inbound`;
    await t.fakes.twilio.inbound(inbound, '+46705551234', 'Stop');
    expect((await t.db.query("select 1 from consent_opt_outs where contact = '+46705551234'")).rows).toHaveLength(1);
    const again = await t.fakes.twilio.inbound(inbound, '+46705551234', 'BÖRJA');
    expect(again.body).toContain('Du får sms om din ansökan igen');
    expect((await t.db.query("select 1 from consent_opt_outs where contact = '+46705551234'")).rows).toHaveLength(0);
    expect(signals.at(-1)).toMatchObject({ kind: 'reply', value: { channel: 'sms', text: 'START' } });
    // A number we never texted is answered with nothing and changes nothing.
    expect((await t.fakes.twilio.inbound(inbound, '+15550000000', 'STOP')).body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });

  it('Twilio: REVOKE and OPTOUT, Twilio’s default opt-out words, opt out like STOP in each tenant, and the next SMS is not sent', async () => {
    await t.db.query("insert into tenants (id, name) values ('beta', 'Beta') on conflict do nothing");
    const inbound = `${t.messagingApi.url}/webhooks/providers/twilio/inbound`;
    const cases = [
      { tenant: 'acme', phone: '+46705550101', word: 'REVOKE' },
      { tenant: 'beta', phone: '+46705550102', word: 'optout.' },
    ];
    for (const { tenant, phone, word } of cases) {
      const request = deliverRequest({ tenant, contact: { ...deliverRequest().contact, phone } });
      await run(real, request);
      const reply = await t.fakes.twilio.inbound(inbound, phone, word);
      expect(reply.body).toContain('<Message>');
      expect(signals.at(-1)).toEqual({ kind: 'reply', tenant, applicationId: request.applicationId, value: { channel: 'sms', text: 'STOP', optOut: true } });
      await expect(run(real, { ...request, messageId: `${request.messageId}-next` })).rejects.toMatchObject({ type: 'OptedOut' });
      expect(t.fakes.twilio.sent.filter((m) => m.to === phone)).toHaveLength(1);
    }
  });

  it('SendGrid: events signed outside the window (6 minutes ago, 2 minutes ahead) are refused with 401 and change nothing', async () => {
    const request = deliverRequest({ channel: 'email', contact: { ...deliverRequest().contact, email: 'window@example.com' } });
    await run(real, request);
    const mail = t.fakes.sendgrid.sent.at(-1)!;
    const events = `${t.messagingApi.url}/webhooks/providers/sendgrid/events`;
    const before = signals.length;
    const sent = (await findLedgerRow(t.db, { tenant: request.tenant, messageId: request.messageId, channel: 'email' }))!.status;
    expect(sent).toBe('accepted');
    for (const signedAt of [Date.now() - 6 * 60_000, Date.now() + 2 * 60_000]) {
      const stale = await t.fakes.sendgrid.postEvents(events, [t.fakes.sendgrid.event(mail, 'bounce', { reason: '550 no such user' })], { signedAt });
      expect(stale.status).toBe(401);
      expect(JSON.parse(stale.body)).toMatchObject({ error: { code: 'stale_delivery' } });
    }
    expect(await findLedgerRow(t.db, { tenant: request.tenant, messageId: request.messageId, channel: 'email' })).toMatchObject({ status: sent });
    expect(signals.length).toBe(before);
    // Signed 4 minutes ago is inside the window.
    expect((await t.fakes.sendgrid.postEvents(events, [t.fakes.sendgrid.event(mail, 'delivered')], { signedAt: Date.now() - 4 * 60_000 })).status).toBe(204);
    expect(await findLedgerRow(t.db, { tenant: request.tenant, messageId: request.messageId, channel: 'email' })).toMatchObject({ status: 'delivered' });
  });

  it('GET /api/v1/outbox lists what the sandbox sent, as the candidate reads it, for the key’s tenant', async () => {
    const key = generateApiKey();
    await addApiKey(t.db, 'acme', key, 'outbox-test');
    const email = deliverRequest({ channel: 'email' });
    await run(sandbox, email);
    await run(sandbox, { ...email, channel: 'sms' });
    expect((await fetch(`${t.messagingApi.url}/api/v1/outbox`)).status).toBe(401);
    const response = await fetch(`${t.messagingApi.url}/api/v1/outbox?applicationId=${email.applicationId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    const { messages } = (await response.json()) as { messages: Record<string, unknown>[] };
    expect(messages).toHaveLength(2);
    const mail = messages.find((m) => m.channel === 'email')!;
    expect(mail).toMatchObject({ messageId: email.messageId, to: 'astrid@example.com', locale: 'sv-SE', subject: 'Din ansökan till Backend Engineer', headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
    expect(mail.html).toEqual(expect.stringContaining('<p>Hej Astrid'));
    const text = 'Hej Astrid, tack för din ansökan till Backend Engineer på Acme.';
    // Its length as the send path counts it ("ö" and "å" are in GSM-7's basic table).
    expect(messages.find((m) => m.channel === 'sms')).toMatchObject({ text, length: { encoding: 'GSM-7', units: text.length, segments: 1 } });
    expect(mail.length).toBeUndefined();
  });
});

/** Candor's api role configured with SendGrid's verification key and nothing else of SendGrid's (e-mail through the sandbox). */
describe('SENDGRID_WEBHOOK_PUBLIC_KEY alone turns the signed SendGrid event webhook on', () => {
  const t = useFixture({ fakes: true, candor: (f) => ({ CANDOR_ROLE: 'api', SENDGRID_WEBHOOK_PUBLIC_KEY: f.fakes.sendgrid.publicKey }) });
  beforeAll(() => {
    expect(t.candor.config.sendgrid).toBeUndefined();
  });

  it('verifies signed posts (204), refuses a forged (401) or stale one (401)', async () => {
    const url = `${t.base}/webhooks/providers/sendgrid/events`;
    const event = { email: 'someone@example.com', timestamp: Math.floor(Date.now() / 1000), event: 'delivered', sg_event_id: 'ev-1', sg_message_id: 'unknown.filter0001' };
    expect((await t.fakes.sendgrid.postEvents(url, [event])).status).toBe(204);
    expect((await t.fakes.sendgrid.postEvents(url, [event], { tamper: true })).status).toBe(401);
    expect((await t.fakes.sendgrid.postEvents(url, [event], { signedAt: Date.now() - 10 * 60_000 })).status).toBe(401);
  });
});

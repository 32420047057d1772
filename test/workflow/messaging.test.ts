import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { findLedgerRow, type CrashPoint, type DeliverRequest, type LedgerRow } from '../../activities/messaging';
import { signalJourney, type JourneyHandle } from '../../core/temporal/journeys';
import type { TimelineEntry } from '../../workflows/engine';
import { journeyStatusQuery, journeyTimelineQuery, type JourneyEvent } from '../../workflows/shared';
import { atsEvent, candidate, untilLocal } from '../helpers/events';
import { useFixture } from '../helpers/fixture';

const TZ = 'Europe/Stockholm';
const DAY = 86_400_000;

/**
 * Journeys on the time-skipping server with a real worker whose delivery activity uses the real Twilio and
 * SendGrid SDKs against the local fakes, a PGlite ledger, and the api's provider webhooks.
 * The journey prefers SMS here (channels [sms, email]), so both channels and the fallback are exercised.
 * Quiet hours at send time are tested on the dev server (test/integration/messaging-journey.test.ts): the
 * time-skipping test server does not honour an activity failure's nextRetryDelay.
 */
describe('touchpoints: journeys through real SDKs, fake providers and signed webhooks', () => {
  let crash: ((point: CrashPoint, request: DeliverRequest) => void) | undefined;
  const t = useFixture({
    temporal: 'time-skipping',
    fakes: true,
    messagingApi: true,
    worker: (f) => {
      const journeys = loadDefaultJourneys();
      for (const j of journeys.values()) j.definition.channels = ['sms', 'email'];
      return { journeys, providers: f.providers(), publicUrl: f.messagingApi.url, messaging: { maxProviderAttempts: 2, crash: (point, request) => crash?.(point, request) } };
    },
  });
  let seq = 0;

  beforeEach(() => {
    t.fakes.twilio.reset();
    t.fakes.sendgrid.reset();
    crash = undefined;
  });

  const newCandidate = () => {
    seq++;
    return { app: `tp-${seq}`, phone: `+4670555${String(seq).padStart(4, '0')}`, email: `cand${seq}@example.com` };
  };
  const send = async (applicationId: string, event: JourneyEvent): Promise<JourneyHandle> => {
    const handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId }, event, { searchAttributes: false });
    await handle.query(journeyStatusQuery);
    return handle;
  };
  const created = async (c: { app: string; phone: string; email: string }) =>
    send(c.app, atsEvent('ats.application.created', await t.env.currentTimeMs(), { application: { id: c.app, jobId: 'job-7', jobTitle: 'Backend Engineer' }, candidate: candidate({ phone: c.phone, email: c.email }) }));
  const stageChange = async (c: { app: string; phone: string; email: string }, category: string) =>
    send(c.app, atsEvent('ats.application.stage_changed', await t.env.currentTimeMs(), { application: { id: c.app }, candidate: candidate({ phone: c.phone, email: c.email }), stage: { to: { id: `st-${category}`, name: category, category } } }));
  const timeline = (handle: JourneyHandle) => handle.query(journeyTimelineQuery);
  const ofType = (entries: TimelineEntry[], type: string) => entries.filter((e) => e.type === type);
  const ledger = async (app: string) => (await t.db.query<LedgerRow>('select * from message_ledger where application_id = $1 order by created_at', [app])).rows;
  const smsTo = (phone: string) => t.fakes.twilio.sent.filter((m) => m.to === phone);
  const morning = async () => t.env.sleep(untilLocal(await t.env.currentTimeMs(), TZ, 10));

  it('429 then 200 → one SMS; a signed status callback marks it delivered in the ledger and the timeline', async () => {
    await morning();
    const c = newCandidate();
    t.fakes.twilio.failures.fail('429');
    const handle = await created(c);
    await t.env.sleep('10 minutes');
    expect(t.fakes.twilio.requestsTo.get(c.phone)).toBe(2);
    expect(smsTo(c.phone)).toHaveLength(1);
    expect(smsTo(c.phone)[0]!.body).toContain('Astrid');
    const [row] = await ledger(c.app);
    expect(row).toMatchObject({ channel: 'sms', status: 'accepted', attempts: 2, provider_message_id: smsTo(c.phone)[0]!.sid });
    // Accepted by Twilio is "sent", not yet "delivered": that is the status callback's word.
    expect(ofType(await timeline(handle), 'message.sent')).toEqual([expect.objectContaining({ channel: 'sms', messageId: row!.message_id })]);
    expect(ofType(await timeline(handle), 'message.delivered')).toEqual([]);

    expect((await t.fakes.twilio.statusCallback(row!.provider_message_id!, 'delivered')).status).toBe(204);
    expect(await findLedgerRow(t.db, { tenant: row!.tenant_id, messageId: row!.message_id, channel: 'sms' })).toMatchObject({ status: 'delivered' });
    expect(ofType(await timeline(handle), 'message.delivered')).toEqual([expect.objectContaining({ channel: 'sms', messageId: row!.message_id })]);
  });

  it('invalid number → e-mail fallback with the same message id → delivered (SendGrid signed event)', async () => {
    await morning();
    const c = newCandidate();
    t.fakes.twilio.invalidNumbers.add(c.phone);
    const handle = await created(c);
    await t.env.sleep('10 minutes');
    const entries = await timeline(handle);
    // The timeline says why, with the provider failure's stable type; so does the ledger.
    expect(ofType(entries, 'message.failed')).toEqual([expect.objectContaining({ channel: 'sms', reason: expect.stringMatching(/^InvalidRecipient: /) })]);
    // Twilio's error names the number; the reason the journey keeps and publishes does not.
    expect(JSON.stringify(entries)).not.toContain(c.phone);
    expect(JSON.stringify(t.published)).not.toContain(c.phone);
    expect(ofType(entries, 'message.sent')).toEqual([expect.objectContaining({ channel: 'email' })]);
    const rows = await ledger(c.app);
    expect(rows.map((r) => [r.channel, r.status, r.failure_type])).toEqual([['sms', 'failed', 'InvalidRecipient'], ['email', 'accepted', null]]);
    expect(rows[0]!.message_id).toBe(rows[1]!.message_id);
    const mail = t.fakes.sendgrid.sent.find((m) => m.to === c.email)!;
    expect(mail.subject).toContain('Backend Engineer');

    expect((await t.fakes.sendgrid.postEvents(`${t.messagingApi.url}/webhooks/providers/sendgrid/events`, [t.fakes.sendgrid.event(mail, 'delivered')])).status).toBe(204);
    expect(await findLedgerRow(t.db, { tenant: rows[1]!.tenant_id, messageId: rows[1]!.message_id, channel: 'email' })).toMatchObject({ status: 'delivered' });
    expect(ofType(await timeline(handle), 'message.delivered')).toEqual([expect.objectContaining({ channel: 'email', messageId: rows[1]!.message_id })]);
  });

  it('an SMS Twilio accepted but later reports undelivered → the same message by e-mail; a later bounce of that → recruiter alerted', async () => {
    await morning();
    const c = newCandidate();
    const handle = await created(c);
    await t.env.sleep('10 minutes');
    const [sms] = smsTo(c.phone);
    expect(sms).toBeDefined();
    expect(ofType(await timeline(handle), 'message.sent')).toEqual([expect.objectContaining({ channel: 'sms' })]);
    expect(t.fakes.sendgrid.sent.filter((m) => m.to === c.email)).toEqual([]);

    // An hour later the carrier gives up on it: Twilio's signed callback says "undelivered" (30003: unreachable).
    await t.env.sleep('1 hour');
    expect((await t.fakes.twilio.statusCallback(sms!.sid, 'undelivered', { errorCode: '30003' })).status).toBe(204);
    await handle.query(journeyStatusQuery);
    await t.env.sleep('10 minutes');
    const mails = t.fakes.sendgrid.sent.filter((m) => m.to === c.email);
    expect(mails).toHaveLength(1);
    const rows = await ledger(c.app);
    expect(rows.map((r) => [r.channel, r.status])).toEqual([['sms', 'failed'], ['email', 'accepted']]);
    expect(rows[1]!.message_id).toBe(rows[0]!.message_id);
    const entries = await timeline(handle);
    expect(ofType(entries, 'message.failed')).toEqual([expect.objectContaining({ channel: 'sms', reason: expect.stringContaining('after the provider accepted it') })]);
    expect(ofType(entries, 'message.sent').map((e) => e.channel)).toEqual(['sms', 'email']);

    // The e-mail is delivered, then bounces (an asynchronous bounce): no channel is left, so the recruiter hears of it.
    expect((await t.fakes.sendgrid.postEvents(`${t.messagingApi.url}/webhooks/providers/sendgrid/events`, [t.fakes.sendgrid.event(mails[0]!, 'delivered')])).status).toBe(204);
    expect((await t.fakes.sendgrid.postEvents(`${t.messagingApi.url}/webhooks/providers/sendgrid/events`, [t.fakes.sendgrid.event(mails[0]!, 'bounce', { reason: `550 5.1.1 <${c.email}>: mailbox unavailable` })])).status).toBe(204);
    await handle.query(journeyStatusQuery);
    await t.env.sleep('1 minute');
    const alerts = await t.db.query<{ reason: string }>('select reason from recruiter_alerts where application_id = $1', [c.app]);
    expect(alerts.rows.map((a) => a.reason)).toEqual(['all-channels-failed']);
    const failures = ofType(await timeline(handle), 'message.failed');
    expect(failures.map((e) => e.channel)).toEqual(['sms', 'email']);
    // SendGrid's reason named the address; what the journey keeps and publishes does not.
    expect(failures[1]!.reason).toBe('InvalidRecipient: SendGrid bounce: 550 5.1.1 <<e-mail address>>: mailbox unavailable (after the provider reported it delivered)');
    expect(JSON.stringify(t.published)).not.toContain(c.email);
    expect(await handle.query(journeyStatusQuery)).toMatchObject({ status: 'open' });
  });

  it('both channels down → the recruiter is alerted and the journey continues', async () => {
    await morning();
    const c = newCandidate();
    t.fakes.twilio.failures.failAlways('500');
    t.fakes.sendgrid.failures.failAlways('500');
    const handle = await created(c);
    await t.env.sleep('30 minutes');
    const alerts = await t.db.query<{ reason: string }>('select reason from recruiter_alerts where application_id = $1', [c.app]);
    expect(alerts.rows.map((a) => a.reason)).toContain('all-channels-failed');
    expect((await ledger(c.app)).map((r) => [r.channel, r.status, r.failure_type])).toEqual([
      ['sms', 'failed', 'ProviderExhausted'],
      ['email', 'failed', 'ProviderExhausted'],
    ]);
    expect(await handle.query(journeyStatusQuery)).toMatchObject({ status: 'open' });

    t.fakes.twilio.failures.reset();
    t.fakes.sendgrid.failures.reset();
    await stageChange(c, 'screening');
    await t.env.sleep('10 minutes');
    expect(smsTo(c.phone).length).toBeGreaterThan(0);
  });

  it('the worker crashing after the provider accepted, again and again → Twilio sends once, per the ledger', async () => {
    await morning();
    const c = newCandidate();
    // Killed before the send, after Twilio accepted (the ledger write lost), then twice before the ledger
    // was even read: the attempt after that finds the message at Twilio instead of sending it again.
    const plan: CrashPoint[] = ['before-send', 'after-send', 'before-ledger', 'before-ledger'];
    let crashes = 0;
    crash = (point, request) => {
      if (request.applicationId === c.app && point === plan[0]) {
        plan.shift();
        crashes++;
        throw new Error(`worker killed at ${point}`);
      }
    };
    const handle = await created(c);
    await t.env.sleep('1 hour');
    expect(crashes).toBe(4);
    expect(smsTo(c.phone)).toHaveLength(1);
    const rows = await ledger(c.app);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'accepted', provider_message_id: smsTo(c.phone)[0]!.sid });
    expect(t.fakes.twilio.requestsTo.get(c.phone)).toBe(1);
    expect(ofType(await timeline(handle), 'message.sent')).toHaveLength(1);
  });

  it('STOP by SMS → no further SMS, e-mail continues; HELP and STATUS are answered in the candidate language', async () => {
    await morning();
    const c = newCandidate();
    const handle = await created(c);
    await t.env.sleep('10 minutes');
    expect(smsTo(c.phone)).toHaveLength(1);
    const inbound = `${t.messagingApi.url}/webhooks/providers/twilio/inbound`;

    const help = await t.fakes.twilio.inbound(inbound, c.phone, 'hjälp');
    expect(help.body).toContain('Acme: uppdateringar om din ansökan');
    const status = await t.fakes.twilio.inbound(inbound, c.phone, 'STATUS');
    expect(status.body).toContain('Din ansökan är i detta steg: mottagen.');

    const stop = await t.fakes.twilio.inbound(inbound, c.phone, 'STOPP');
    expect(stop.status).toBe(200);
    expect(stop.body).toContain('Du får inga fler sms');
    await handle.query(journeyStatusQuery);
    expect(ofType(await timeline(handle), 'candidate.opted_out')).toEqual([expect.objectContaining({ channel: 'sms' })]);

    await stageChange(c, 'screening');
    await t.env.sleep(2 * DAY);
    expect(smsTo(c.phone)).toHaveLength(1);
    const emails = t.fakes.sendgrid.sent.filter((m) => m.to === c.email);
    expect(emails.length).toBeGreaterThan(0);
    expect((await ledger(c.app)).filter((r) => r.channel === 'sms')).toHaveLength(1);

    // A free-text reply is a question for a person: it waits in the recruiters' inbox, the candidate is answered at
    // once (who has it, by when), and the journey waits for the recruiter (README, "Questions from candidates").
    const asked = await t.fakes.twilio.inbound(inbound, c.phone, 'Tack! Jag kan börja i maj.');
    expect(asked.status).toBe(200);
    expect(asked.body).toMatch(/<Message>[^<]+<\/Message>/);
    await handle.query(journeyStatusQuery);
    expect(ofType(await timeline(handle), 'question.asked')).toEqual([expect.objectContaining({ channel: 'sms', reason: 'waiting for the recruiter' })]);
    expect((await t.db.query<{ body: string; source: string }>('select body, source from candidate_questions where tenant_id = $1 and application_id = $2', ['acme', c.app])).rows).toEqual([
      { body: 'Tack! Jag kan börja i maj.', source: 'sms' },
    ]);
    expect((await t.db.query<{ body: string }>('select body from inbound_messages where application_id = $1 and keyword is null', [c.app])).rows[0]!.body).toBe('Tack! Jag kan börja i maj.');
  });

  it('forged webhook signatures → 401 and no state change', async () => {
    await morning();
    const c = newCandidate();
    const handle = await created(c);
    await t.env.sleep('10 minutes');
    const [row] = await ledger(c.app);
    const before = await timeline(handle);

    const forgedStop = await t.fakes.twilio.inbound(`${t.messagingApi.url}/webhooks/providers/twilio/inbound`, c.phone, 'STOP', 'bm90IGEgc2lnbmF0dXJl');
    expect(forgedStop.status).toBe(401);
    const unsigned = await fetch(`${t.messagingApi.url}/webhooks/providers/twilio/inbound`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `From=${encodeURIComponent(c.phone)}&Body=STOP` });
    expect(unsigned.status).toBe(401);
    const forgedStatus = await t.fakes.twilio.statusCallback(row!.provider_message_id!, 'failed', { signature: 'AAAA' });
    expect(forgedStatus.status).toBe(401);
    const mailRow = { messageId: 'x', to: c.email, from: '', subject: '', text: '', html: '', headers: {}, customArgs: { candor_message_id: row!.message_id } };
    expect((await t.fakes.sendgrid.postEvents(`${t.messagingApi.url}/webhooks/providers/sendgrid/events`, [t.fakes.sendgrid.event(mailRow, 'delivered')], { tamper: true })).status).toBe(401);
    expect((await t.fakes.sendgrid.postEvents(`${t.messagingApi.url}/webhooks/providers/sendgrid/events`, [t.fakes.sendgrid.event(mailRow, 'unsubscribe')], { signature: 'MEUCIQ==' })).status).toBe(401);
    // A token Candor never issued is unknown (404, a page naming nobody), and changes nothing.
    const unsubscribe = await fetch(`${t.messagingApi.url}/unsubscribe?token=e30.AAAA`, { method: 'POST' });
    expect(unsubscribe.status).toBe(404);

    expect(await findLedgerRow(t.db, { tenant: row!.tenant_id, messageId: row!.message_id, channel: 'sms' })).toMatchObject({ status: row!.status });
    expect((await t.db.query('select 1 from consent_opt_outs where contact in ($1, $2)', [c.phone, c.email])).rows).toHaveLength(0);
    await handle.query(journeyStatusQuery);
    expect(await timeline(handle)).toEqual(before);
  });
});

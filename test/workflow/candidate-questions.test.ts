import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import type { LedgerRow } from '../../activities/messaging';
import { answerQuestion, listQuestions } from '../../core/store/candidate-questions';
import { eraseCandidateData } from '../../core/store/erasure';
import { journeySignals } from '../../services/api/messaging';
import { signalJourney, type JourneyHandle } from '../../core/temporal/journeys';
import type { TimelineEntry } from '../../workflows/engine';
import { journeyStatusQuery, journeyTimelineQuery, type JourneyEvent } from '../../workflows/shared';
import { atsEvent, candidate, untilLocal } from '../helpers/events';
import { eventually } from '../helpers/eventually';
import { useFixture } from '../helpers/fixture';
import { INBOUND_PARSE_SECRET } from '../helpers/messaging-world';

const TZ = 'Europe/Stockholm';

/**
 * Replies that reach a person, on the time-skipping server with a real worker (real Twilio and SendGrid SDKs against
 * the fakes, PGlite) and the api's real webhooks: a candidate's SMS reply and e-mail reply (Inbound Parse) become
 * questions in the recruiter's inbox, the recruiter hears by e-mail, the candidate hears at once who has it and by
 * when, the journey alerts when `answerWithin` business hours pass unanswered, and the answer goes back once on the
 * channel the candidate used.
 */
describe('candidate questions: replies reach a person, and the answer goes back', () => {
  const t = useFixture({
    temporal: 'time-skipping',
    fakes: true,
    messagingApi: true,
    worker: (f) => {
      const journeys = loadDefaultJourneys();
      for (const j of journeys.values()) j.definition.channels = ['sms', 'email'];
      return { journeys, providers: f.providers(), publicUrl: f.messagingApi.url };
    },
  });
  let seq = 0;

  beforeEach(() => {
    t.fakes.twilio.reset();
    t.fakes.sendgrid.reset();
  });

  const send = async (applicationId: string, event: JourneyEvent): Promise<JourneyHandle> => {
    const handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId }, event, { searchAttributes: false });
    await handle.query(journeyStatusQuery);
    return handle;
  };
  const ofType = async (handle: JourneyHandle, type: string): Promise<TimelineEntry[]> => (await handle.query(journeyTimelineQuery)).filter((e) => e.type === type);
  const ledger = async (app: string) => (await t.db.query<LedgerRow>('select * from message_ledger where application_id = $1 order by created_at', [app])).rows;
  const alerts = async (app: string) => (await t.db.query<{ reason: string }>("select reason from recruiter_alerts where application_id = $1 and reason = 'unanswered-question'", [app])).rows;
  const morning = async () => t.env.sleep(untilLocal(await t.env.currentTimeMs(), TZ, 10));

  it('an SMS reply: the candidate is told who has it and by when, the recruiter is e-mailed, unanswered it alerts after answerWithin, and the answer goes back by SMS once', async () => {
    await morning();
    seq++;
    const app = `q-sms-${seq}`;
    const phone = `+4670777${String(seq).padStart(4, '0')}`;
    const handle = await send(app, atsEvent('ats.application.created', await t.env.currentTimeMs(), { application: { id: app, jobId: 'job-7', jobTitle: 'Backend Engineer' }, candidate: candidate({ phone, email: `q${seq}@example.com` }) }));
    await eventually(async () => t.fakes.twilio.sent.some((m) => m.to === phone) || undefined, 30_000);

    // The reply through Twilio's signed inbound webhook: answered at once with who has it and by when (stamped with the
    // test's clock, which runs ahead of the machine's once it slept).
    t.setMessagingNow(await t.env.currentTimeMs());
    const inbound = await t.fakes.twilio.inbound(`${t.messagingApi.url}/webhooks/providers/twilio/inbound`, phone, 'Hur lång tid tar processen?');
    // Back to the machine's clock, which signed webhooks' timestamps are checked against.
    t.setMessagingNow(Date.now());
    expect(inbound.status).toBe(200);
    expect(inbound.body).toMatch(/<Message>Tack för ditt meddelande\. Maja Lind har fått det och svarar senast \S+ \d{1,2} \S+ (kl\. )?\d{2}:\d{2}\.<\/Message>/);
    const [question] = await listQuestions(t.db, 'acme', { applicationId: app });
    expect(question).toMatchObject({ source: 'sms', text: 'Hur lång tid tar processen?', answer: null, recruiterName: 'Maja Lind' });
    // Asked at 10:00 on a business day: 16 business hours (09:00-17:00) later, unless a holiday or weekend intervenes.
    expect(Date.parse(question!.answerBy) - Date.parse(question!.askedAt)).toBeGreaterThanOrEqual(16 * 3_600_000);

    // The journey waits for the recruiter, who is e-mailed through the configured provider (the fake SendGrid).
    await eventually(async () => ((await ofType(handle, 'question.asked')).length === 1 ? true : undefined), 30_000);
    expect((await ofType(handle, 'question.asked'))[0]).toMatchObject({ questionId: question!.questionId, channel: 'sms', dueAt: Date.parse(question!.answerBy), reason: 'waiting for the recruiter' });
    const toRecruiter = await eventually(async () => t.fakes.sendgrid.sent.find((m) => m.to === 'maja@acme.test'), 30_000);
    expect(toRecruiter.text).toContain('Hur lång tid tar processen?');
    expect(toRecruiter.text).toContain(`/console#/inbox?applicationId=${app}`);
    // The question's text stays out of the journey's history: only its id travels.
    const history = JSON.stringify((await handle.fetchHistory()).events);
    expect(history).not.toContain('Hur lång tid');

    // Nobody answers: one alert when answerWithin has passed, not before.
    await t.env.sleep(Date.parse(question!.answerBy) - (await t.env.currentTimeMs()) - 60_000);
    expect(await alerts(app)).toEqual([]);
    await t.env.sleep(120_000);
    await eventually(async () => ((await alerts(app)).length === 1 ? true : undefined), 30_000);
    expect((await ofType(handle, 'alert')).filter((e) => e.reason === 'unanswered-question')).toHaveLength(1);

    // The recruiter answers (the inbox API stores the answer once and signals the journey): it goes back by SMS, once.
    expect((await answerQuestion(t.db, 'acme', question!.questionId, { text: 'Ungefär tre veckor.', by: 'Maja Lind' })).status).toBe('answered');
    const signals = journeySignals(t.env.client);
    await signals.answered!('acme', app, question!.questionId);
    await morning();
    const answer = await eventually(async () => t.fakes.twilio.sent.find((m) => m.to === phone && m.body.includes('Ungefär tre veckor.')), 30_000);
    expect(answer.body).toContain('Maja Lind');
    await signals.answered!('acme', app, question!.questionId);
    await t.env.sleep('1 hour');
    expect(t.fakes.twilio.sent.filter((m) => m.to === phone && m.body.includes('Ungefär tre veckor.'))).toHaveLength(1);
    expect((await ledger(app)).filter((r) => r.template === 'recruiter.answer')).toEqual([expect.objectContaining({ channel: 'sms', status: 'accepted' })]);
    expect(await ofType(handle, 'question.answered')).toEqual([expect.objectContaining({ questionId: question!.questionId, channel: 'sms' })]);
    // Answered: no second alert however long it stays quiet.
    await t.env.sleep('7 days');
    expect(await alerts(app)).toHaveLength(1);
  });

  it('an e-mail reply through Inbound Parse (secret URL and signature): the quote is dropped, a redelivery is one question, the candidate gets an e-mail saying who has it, and the answer comes back by e-mail', async () => {
    await morning();
    seq++;
    const app = `q-mail-${seq}`;
    const email = `mail${seq}@example.com`;
    const handle = await send(app, atsEvent('ats.application.created', await t.env.currentTimeMs(), { application: { id: app, jobId: 'job-7', jobTitle: 'Backend Engineer' }, candidate: candidate({ phone: undefined, email }) }));
    await eventually(async () => t.fakes.sendgrid.sent.some((m) => m.to === email) || undefined, 30_000);
    const replyTo = t.fakes.sendgrid.sent.find((m) => m.to === email)!.replyTo!.email;
    expect(replyTo).toMatch(/\+acme@/);

    const url = `${t.messagingApi.url}/webhooks/providers/sendgrid/inbound/${INBOUND_PARSE_SECRET}`;
    const mail = { to: replyTo, from: `"Kandidat" <${email.toUpperCase()}>`, text: 'Får jag ta med min portfölj?\n\nDen mån 30 nov. 2026 skrev Maja Lind:\n> Vi har tagit emot din ansökan', messageId: `<reply-${seq}@mail.example>` };
    // A wrong secret or a missing signature changes nothing.
    expect((await t.fakes.sendgrid.postInboundParse(`${t.messagingApi.url}/webhooks/providers/sendgrid/inbound/wrong`, mail)).status).toBe(401);
    expect((await t.fakes.sendgrid.postInboundParse(url, mail, { unsigned: true })).status).toBe(401);
    expect(await listQuestions(t.db, 'acme', { applicationId: app })).toEqual([]);

    expect((await t.fakes.sendgrid.postInboundParse(url, mail)).status).toBe(204);
    expect((await t.fakes.sendgrid.postInboundParse(url, mail)).status).toBe(204);
    const questions = await listQuestions(t.db, 'acme', { applicationId: app });
    expect(questions).toEqual([expect.objectContaining({ source: 'email', text: 'Får jag ta med min portfölj?' })]);

    const told = await eventually(async () => t.fakes.sendgrid.sent.find((m) => m.to === email && m.subject === 'Vi har fått din fråga'), 30_000);
    expect(told.text).toMatch(/Maja Lind har fått det och svarar senast/);
    await eventually(async () => t.fakes.sendgrid.sent.find((m) => m.to === 'maja@acme.test' && m.text?.includes('portfölj')), 30_000);

    expect((await answerQuestion(t.db, 'acme', questions[0]!.questionId, { text: 'Ja, gärna!' })).status).toBe('answered');
    expect((await answerQuestion(t.db, 'acme', questions[0]!.questionId, { text: 'Nej.' })).status).toBe('already');
    await journeySignals(t.env.client).answered!('acme', app, questions[0]!.questionId);
    const answer = await eventually(async () => t.fakes.sendgrid.sent.find((m) => m.to === email && m.subject === 'Svar på din fråga'), 30_000);
    expect(answer.text).toContain('Ja, gärna!');
    expect(answer.text).toContain('Maja Lind');
    expect(await ofType(handle, 'question.answered')).toEqual([expect.objectContaining({ channel: 'email' })]);

    // Erasure removes the candidate's question and the recruiter's answer.
    await eraseCandidateData(t.db, { tenant: 'acme', applicationIds: [app] });
    expect(await listQuestions(t.db, 'acme', { applicationId: app })).toEqual([]);
  });
});

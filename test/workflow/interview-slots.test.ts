import Fastify, { type FastifyInstance } from 'fastify';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import type { LedgerRow } from '../../activities/messaging';
import { recordOfferedSlots } from '../../core/store/interview-slots';
import { formatLocalTime } from '../../core/messaging/templates';
import { signalJourney, type JourneyHandle } from '../../core/temporal/journeys';
import { journeySignals } from '../../services/api/messaging';
import { registerStatusPage } from '../../services/status-page';
import { candidateSignals } from '../../services/status-page/journey-interviews';
import type { TimelineEntry } from '../../workflows/engine';
import { journeyStatusQuery, journeyTimelineQuery, type JourneyEvent } from '../../workflows/shared';
import { atsEvent, candidate, untilLocal } from '../helpers/events';
import { eventually } from '../helpers/eventually';
import { useFixture } from '../helpers/fixture';
import { historyRecorder } from '../helpers/histories';
import { freePort } from '../helpers/ports';

const TZ = 'Europe/Stockholm';
const HOUR = 3_600_000;
const NOTE = 'Helst en fredag efter lunch, tack';

/**
 * Interviews on the candidate's terms, on the time-skipping server with a real worker (real SendGrid and Twilio SDKs
 * against the fakes, PGlite) and the real status page over HTTP: slots offered by the ATS event reach the candidate as a
 * message with their page's link; the slot they book becomes the interview (confirmation, reminders before it); asking
 * for another time holds the reminders; the next slot they book moves them; and a withdrawal closes the journey.
 */
describe('interview slots: the candidate chooses, asks for another time, and the reminders follow', () => {
  const t = useFixture({
    temporal: 'time-skipping',
    fakes: true,
    messagingApi: true,
    worker: (f) => ({ journeys: loadDefaultJourneys(), providers: f.providers(), publicUrl: f.messagingApi.url }),
  });
  let page: FastifyInstance;
  let pageUrl: string;
  let seq = 0;
  // RECORD_HISTORIES=1 saves both journeys' histories for the replay test (slots, choices, a request and a withdrawal).
  const record = historyRecorder(t);

  beforeAll(async () => {
    page = Fastify();
    registerStatusPage(page, { db: t.db, journeys: journeySignals(t.env.client), candidate: candidateSignals(t.env.client) });
    const port = await freePort();
    await page.listen({ host: '127.0.0.1', port });
    pageUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await page.close();
  });

  const send = async (applicationId: string, event: JourneyEvent): Promise<JourneyHandle> => {
    const handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId }, event, { searchAttributes: false });
    await handle.query(journeyStatusQuery);
    return handle;
  };
  const ofType = async (handle: JourneyHandle, type: string): Promise<TimelineEntry[]> => (await handle.query(journeyTimelineQuery)).filter((e) => e.type === type);
  const ledger = async (app: string) => (await t.db.query<LedgerRow>('select * from message_ledger where application_id = $1 order by created_at', [app])).rows;
  const reminders = async (handle: JourneyHandle) => (await handle.query(journeyStatusQuery)).scheduled.filter((m) => m.purpose === 'interview-reminder').map((m) => m.dueAt);
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' as const });
  /** The token of the status-page link in the newest e-mail to `email` that has one. */
  const tokenFrom = (email: string, subject: RegExp) => {
    const mail = [...t.fakes.sendgrid.sent].reverse().find((m) => m.to === email && subject.test(m.subject ?? ''));
    return mail ? /\/s\/([A-Za-z0-9_-]{43})/.exec(mail.text ?? '')?.[1] : undefined;
  };

  /** A candidate in Stockholm in the interview stage at 10:00 on a business day, with two slots offered by the ATS. */
  async function interviewWithSlots() {
    seq++;
    const app = `slots-${seq}`;
    const email = `slots${seq}@example.com`;
    await t.env.sleep(untilLocal(await t.env.currentTimeMs(), TZ, 10));
    const now = await t.env.currentTimeMs();
    const person = candidate({ email, phone: `+4670888${String(seq).padStart(4, '0')}` });
    const handle = await send(app, atsEvent('ats.application.created', now, { application: { id: app, jobId: 'job-7', jobTitle: 'Backend Engineer' }, candidate: person }));
    await send(app, atsEvent('ats.application.stage_changed', now + 1000, { application: { id: app }, candidate: person, stage: { to: { id: 'st-3', name: 'Interview', category: 'interview' } } }));
    // Two slots of an hour, at 13:00 and 15:00 Stockholm time a few days from now.
    const base = now + 3 * 24 * HOUR - 2 * HOUR;
    const first = base + untilLocal(base, TZ, 13);
    const second = first + 2 * HOUR;
    const data = {
      application: { id: app },
      candidate: person,
      interview: { id: `int-${seq}` },
      slots: [
        { id: `slot-${seq}-a`, start: new Date(first).toISOString(), end: new Date(first + HOUR).toISOString(), location: 'Kontoret, Stockholm' },
        { id: `slot-${seq}-b`, start: new Date(second).toISOString(), end: new Date(second + HOUR).toISOString(), location: 'Kontoret, Stockholm' },
      ],
    };
    // As the ingest role does: the slots go to the store, then the event to the journey.
    await recordOfferedSlots(t.db, 'acme', app, data);
    await send(app, atsEvent('ats.interview.slots_offered', now + 2000, data));
    const token = await eventually(async () => tokenFrom(email, /Välj en tid/), 30_000);
    return { app, email, handle, token, first, second, interviewId: `int-${seq}`, slots: data.slots };
  }

  it('the booked slot becomes the interview, a request for another time holds its reminders, and the next slot booked moves them', async () => {
    const { app, handle, token, first, second, interviewId, slots } = await interviewWithSlots();
    record(handle, 'sv-slots-chosen-reschedule-requested-moved');

    // The page offers both times, in Swedish and Stockholm time, without JavaScript.
    const offered = await fetch(`${pageUrl}/s/${token}/interview`);
    expect(offered.status).toBe(200);
    const html = await offered.text();
    expect(html).toContain('Välj en tid för din intervju');
    expect(html).toContain(`value="${slots[0]!.id}"`);
    expect(html).toContain(`value="${slots[1]!.id}"`);
    expect(html).toMatch(/13:00–14:00/);
    expect(html).toMatch(/15:00–16:00/);

    // Booking the first: the journey confirms it and sets the reminders 24 h and 2 h before it.
    const booked = await fetch(`${pageUrl}/s/${token}/interview/choose`, form({ slot: slots[0]!.id }));
    expect(booked.status).toBe(303);
    expect(booked.headers.get('location')).toContain('done=booked');
    await eventually(async () => ((await ofType(handle, 'interview.slot_chosen')).length === 1 ? true : undefined), 30_000);
    expect(await reminders(handle)).toEqual([first - 24 * HOUR, first - 2 * HOUR]);
    await eventually(async () => ((await ledger(app)).some((r) => r.template === 'interview.confirmed') ? true : undefined), 30_000);
    const chosen = t.published.find((e) => e.applicationId === app && e.type === 'candor.journey.interview.slot_chosen');
    expect(chosen?.data).toMatchObject({ interview: { interviewId, slotId: slots[0]!.id, start: new Date(first).toISOString(), end: new Date(first + HOUR).toISOString() } });

    // None of the times work after all: the reminders wait for a new time, the recruiter is alerted, the ATS hears of it.
    const asked = await fetch(`${pageUrl}/s/${token}/interview/reschedule`, form({ interview: interviewId, note: NOTE }));
    expect(asked.status).toBe(303);
    await eventually(async () => ((await ofType(handle, 'interview.reschedule_requested')).length === 1 ? true : undefined), 30_000);
    expect(await reminders(handle)).toEqual([]);
    await eventually(async () => (t.published.some((e) => e.applicationId === app && e.type === 'candor.journey.interview.reschedule_requested') ? true : undefined), 30_000);
    const alerts = await t.db.query<{ reason: string }>("select reason from recruiter_alerts where application_id = $1 and reason = 'reschedule-requested'", [app]);
    expect(alerts.rows).toHaveLength(1);
    // The note is the recruiter's to read: never in the journey's history or its events.
    expect(JSON.stringify((await handle.fetchHistory()).events)).not.toContain('fredag');
    expect(JSON.stringify(t.published)).not.toContain('fredag');

    // The candidate books the other slot: the interview moves there and so do the reminders.
    const moved = await fetch(`${pageUrl}/s/${token}/interview/choose`, form({ slot: slots[1]!.id }));
    expect(moved.headers.get('location')).toContain('done=booked');
    await eventually(async () => ((await ofType(handle, 'interview.slot_chosen')).length === 2 ? true : undefined), 30_000);
    expect(await reminders(handle)).toEqual([second - 24 * HOUR, second - 2 * HOUR]);
    await eventually(async () => ((await ledger(app)).some((r) => r.template === 'interview.rescheduled') ? true : undefined), 30_000);

    // The reminders go at the new time, and none for the time given up.
    await t.env.sleep(second - 2 * HOUR + 60_000 - (await t.env.currentTimeMs()));
    await eventually(async () => ((await ledger(app)).filter((r) => r.template.startsWith('interview.reminder')).length === 2 ? true : undefined), 30_000);
    const sent = (await ledger(app)).filter((r) => r.template.startsWith('interview.reminder'));
    expect(sent.map((r) => r.template).sort()).toEqual(['interview.reminder-day-before', 'interview.reminder-soon']);
    // The last reminder (an SMS two hours before) names the booked time.
    const phone = sent.find((r) => r.channel === 'sms')!.recipient;
    const last = t.fakes.twilio.sent.filter((m) => m.to === phone).at(-1)!.body;
    expect(last).toContain(formatLocalTime(new Date(second).toISOString(), TZ, 'sv-SE'));
    expect(last).not.toContain(formatLocalTime(new Date(first).toISOString(), TZ, 'sv-SE'));
  });

  it('withdrawing takes a confirmation, closes the journey as withdrawn with its closing message, and tells the ATS once', async () => {
    const { app, handle, token } = await interviewWithSlots();
    record(handle, 'sv-slots-offered-withdrawn-by-candidate');

    const confirm = await fetch(`${pageUrl}/s/${token}/withdraw`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Ja, dra tillbaka min ansökan');
    // Only the confirmation's own post withdraws.
    expect((await fetch(`${pageUrl}/s/${token}/withdraw`, form({}))).headers.get('location')).not.toContain('withdrawn');
    const withdrawn = await fetch(`${pageUrl}/s/${token}/withdraw`, form({ confirm: 'yes' }));
    expect(withdrawn.headers.get('location')).toContain('done=withdrawn');

    const result = await handle.result();
    expect(result).toMatchObject({ completed: true, stage: 'withdrawn' });
    expect((await ledger(app)).filter((r) => r.template === 'withdrawn.closing')).toHaveLength(1);
    const events = t.published.filter((e) => e.applicationId === app).map((e) => e.type);
    expect(events.filter((type) => type === 'candor.journey.candidate.withdrew')).toHaveLength(1);
    expect(t.published.find((e) => e.applicationId === app && e.type === 'candor.journey.journey.completed')?.data).toMatchObject({ outcome: 'withdrawn' });
    // Posted again: the page says it is over, and nothing more is sent.
    expect((await fetch(`${pageUrl}/s/${token}/withdraw`, form({ confirm: 'yes' }))).status).toBe(303);
    expect((await ledger(app)).filter((r) => r.template === 'withdrawn.closing')).toHaveLength(1);
    expect(await ofType(handle, 'candidate.withdrew')).toHaveLength(1);
  });
});

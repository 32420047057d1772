import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalJourney, type JourneyHandle } from '../../core/temporal/journeys';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { businessDaysBetween, makeCalendar, validateDefinition, type TimelineEntry } from '../../workflows/engine';
import { atsEventSignal, definitionPublishedSignal, journeyStatusQuery, journeyTimelineQuery, recruiterActionUpdate, type JourneyEvent } from '../../workflows/shared';
import { atsEvent, untilLocal } from '../helpers/events';
import { useFixture } from '../helpers/fixture';
import { historyRecorder } from '../helpers/histories';

const TZ = 'Europe/Stockholm';
const MINUTE = 60_000;
const DAY = 86_400_000;

const localClock = (t: number) => new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(t));
const dispatched = (timeline: TimelineEntry[]) => timeline.filter((e) => e.type === 'message.dispatched');

describe('candidateJourney on the time-skipping test server', () => {
  const t = useFixture({ temporal: 'time-skipping', worker: true });
  let appSeq = 0;

  /**
   * Starts (or signals) a journey; the time-skipping server has no custom search attributes. The query
   * afterwards is answered only once the worker has run the signal's workflow task, so a following
   * `t.env.sleep` cannot skip time past an event the journey has not seen yet.
   */
  const send = async (applicationId: string, event: JourneyEvent, historyLimit?: number): Promise<JourneyHandle> => {
    const handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId }, event, { searchAttributes: false, ...(historyLimit ? { historyLimit } : {}) });
    await handle.query(journeyStatusQuery);
    return handle;
  };
  const newApp = () => `app-${++appSeq}`;
  const record = historyRecorder(t);
  const now = () => t.env.currentTimeMs();
  const outbox = async (applicationId: string) =>
    (await t.db.query<{ template: string; channel: string; locale: string; body: string; subject: string | null }>(
      'select template, channel, locale, body, subject from outbox where application_id = $1 order by sent_at',
      [applicationId],
    )).rows;

  it('acknowledges within 5 minutes in the candidate language, and applies a redelivered event once', async () => {
    await t.env.sleep(untilLocal(await now(), TZ, 10));
    const app = newApp();
    const appliedAt = await now();
    const created = atsEvent('ats.application.created', appliedAt);
    const handle = await send(app, created);
    for (let i = 0; i < 3; i++) await send(app, created);
    await t.env.sleep('10 minutes');

    expect(await handle.query(journeyStatusQuery)).toMatchObject({ eventsApplied: 1, status: 'open', stage: 'applied' });
    const ack = dispatched(await handle.query(journeyTimelineQuery));
    expect(ack).toHaveLength(1);
    expect(ack[0]!.at - appliedAt).toBeLessThanOrEqual(5 * MINUTE);
    const sent = await outbox(app);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ template: 'applied.ack', channel: 'email', locale: 'sv-SE' });
    expect(sent[0]!.body).toContain('Astrid');
    expect(sent[0]!.body).toContain('Backend Engineer');
    expect(sent[0]!.body).not.toMatch(/\{\{|\}\}/);
  });

  it('defers a message due in quiet hours to the end of them, never dropping it', async () => {
    await t.env.sleep(untilLocal(await now(), TZ, 22, 30));
    const app = newApp();
    const handle = await send(app, atsEvent('ats.application.created', await now()));
    await t.env.sleep('1 hour');
    expect(dispatched(await handle.query(journeyTimelineQuery))).toHaveLength(0);
    await t.env.sleep('12 hours');
    const ack = dispatched(await handle.query(journeyTimelineQuery));
    expect(ack).toHaveLength(1);
    expect(localClock(ack[0]!.at)).toBe('08:00');
    expect(await outbox(app)).toHaveLength(1);
  });

  it('keeps a 90-day silent journey within maxSilence, alerts the recruiter, and closes it kindly', async () => {
    await t.env.sleep(untilLocal(await now(), TZ, 11));
    const app = newApp();
    const handle = await send(app, atsEvent('ats.application.created', await now()));
    await t.env.sleep('90 days');
    const timeline = await handle.query(journeyTimelineQuery);
    const times = dispatched(timeline).map((e) => e.at);
    expect(times.length).toBeGreaterThanOrEqual(12);
    // Never silent: at most maxSilence business days between two messages, in the candidate's calendar
    // (Swedish holidays included: the 90 days span Christmas).
    const definition = loadDefaultJourneys().get('sv')!.definition;
    const calendar = makeCalendar(TZ, definition);
    const gaps = times.slice(1).map((t, i) => businessDaysBetween(times[i]!, t, calendar));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(definition.maxSilence);
    expect(dispatched(timeline).filter((e) => e.purpose === 'status-update').length).toBeGreaterThan(0);
    const alerts = await t.db.query<{ reason: string }>('select reason from recruiter_alerts where application_id = $1', [app]);
    expect(alerts.rows.length).toBeGreaterThan(0);

    await send(app, atsEvent('ats.application.rejected', await now()));
    await t.env.sleep('3 days');
    const result = await handle.result();
    expect(result).toMatchObject({ completed: true, status: 'completed' });
    expect((await outbox(app)).map((m) => m.template)).toContain('rejected.closing');
    expect(t.published.filter((e) => e.applicationId === app).map((e) => e.type)).toEqual(
      expect.arrayContaining(['candor.journey.message.dispatched', 'candor.journey.message.delivered', 'candor.journey.journey.completed']),
    );
    record(handle, 'sv-90-days-then-rejected');
  }, 240_000);

  it('ignores a stale, out-of-order stage change and says why in the timeline', async () => {
    await t.env.sleep(untilLocal(await now(), TZ, 10));
    const app = newApp();
    const t0 = await now();
    const handle = await send(app, atsEvent('ats.application.created', t0));
    await send(app, atsEvent('ats.application.stage_changed', t0 + 2 * DAY, { stage: { to: { id: 's3', name: 'Onsite', category: 'interview' } } }));
    await send(app, atsEvent('ats.application.stage_changed', t0 + DAY, { stage: { to: { id: 's2', name: 'Phone screen', category: 'screening' } } }));
    await t.env.sleep('1 hour');
    expect(await handle.query(journeyStatusQuery)).toMatchObject({ stage: 'interview', eventsApplied: 3 });
    const ignored = (await handle.query(journeyTimelineQuery)).filter((e) => e.type === 'event.ignored');
    expect(ignored).toHaveLength(1);
    expect(ignored[0]!.reason).toMatch(/older|stale|out of order/i);
  });

  it('moves reminders on each reschedule and removes them, telling the candidate, on cancellation', async () => {
    await t.env.sleep(untilLocal(await now(), TZ, 9));
    const app = newApp();
    const t0 = await now();
    const handle = await send(app, atsEvent('ats.application.created', t0));
    const interview = (start: number) => ({ interview: { id: 'int-1', start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString(), location: 'Sveavägen 1' } });
    const first = t0 + 7 * DAY + 5 * 3_600_000;
    await send(app, atsEvent('ats.interview.scheduled', t0 + MINUTE, interview(first)));
    await t.env.sleep('1 hour');
    const reminders = async () => (await handle.query(journeyStatusQuery)).scheduled.filter((m) => m.purpose === 'interview-reminder');
    expect((await reminders()).length).toBe(2);
    expect(Math.max(...(await reminders()).map((r) => r.dueAt))).toBeLessThan(first);

    for (const [i, start] of [first + DAY, first + 2 * DAY].entries()) {
      await send(app, atsEvent('ats.interview.rescheduled', t0 + (2 + i) * MINUTE, interview(start)));
      await t.env.sleep('1 minute');
      const moved = await reminders();
      expect(moved.length).toBe(2);
      for (const r of moved) {
        expect(r.dueAt).toBeLessThan(start);
        expect(r.dueAt).toBeGreaterThan(start - 2 * DAY);
      }
    }
    await send(app, atsEvent('ats.interview.canceled', t0 + 10 * MINUTE, { interview: { id: 'int-1', start: new Date(first + 2 * DAY).toISOString() } }));
    await t.env.sleep('1 hour');
    expect(await reminders()).toEqual([]);
    const templates = (await outbox(app)).map((m) => m.template);
    expect(templates).toEqual(expect.arrayContaining(['interview.confirmed', 'interview.canceled']));
    expect(templates.filter((t) => t.startsWith('interview.reminder'))).toEqual([]);
    await send(app, atsEvent('ats.application.withdrawn', t0 + 20 * MINUTE));
    await t.env.sleep('2 days');
    await handle.result();
    record(handle, 'sv-interview-rescheduled-twice-canceled-withdrawn');
  });

  it('takes an English candidate through the whole pipeline to a hire', async () => {
    await t.env.sleep(untilLocal(await now(), TZ, 10));
    const app = newApp();
    const t0 = await now();
    const english = { candidate: { id: 'c-en', firstName: 'Oliver', email: 'oliver@example.com', locale: 'en-GB', timeZone: 'Europe/London', consent: { email: true } } };
    const handle = await send(app, atsEvent('ats.application.created', t0, english));
    const stage = (category: string) => ({ ...english, stage: { to: { id: category, name: category, category } } });
    await t.env.sleep('1 day');
    await send(app, atsEvent('ats.application.stage_changed', t0 + DAY, stage('screening')));
    await t.env.sleep('2 days');
    const start = t0 + 6 * DAY;
    const interview = { ...english, interview: { id: 'int-en', start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString(), location: 'London office' } };
    await send(app, atsEvent('ats.interview.scheduled', t0 + 3 * DAY, interview));
    await t.env.sleep('4 days');
    await send(app, atsEvent('ats.interview.completed', start + 3_600_000, interview));
    await t.env.sleep('2 days');
    await send(app, atsEvent('ats.offer.extended', t0 + 9 * DAY, stage('offer')));
    await t.env.sleep('2 days');
    await send(app, atsEvent('ats.offer.accepted', t0 + 11 * DAY, english));
    await t.env.sleep('3 days');
    expect(await handle.result()).toMatchObject({ completed: true });
    const sent = await outbox(app);
    expect(sent.every((m) => m.locale === 'en-GB' && m.channel === 'email')).toBe(true);
    expect(sent.map((m) => m.template)).toEqual(expect.arrayContaining(['applied.ack', 'interview.confirmed', 'interview.reminder-day-before']));
    expect(sent.every((m) => m.body.includes('Oliver'))).toBe(true);
    record(handle, 'en-pipeline-to-hire');
  });

  it('pauses and resumes through validated updates', async () => {
    await t.env.sleep(untilLocal(await now(), TZ, 10));
    const app = newApp();
    const handle = await send(app, atsEvent('ats.application.created', await now()));
    await t.env.sleep('10 minutes');
    const rejection = (action: unknown) =>
      handle.executeUpdate(recruiterActionUpdate, { args: [action as never] }).then(
        () => 'accepted',
        (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
      );
    expect(await rejection({ action: 'sendNow', template: 'no.such' })).toMatch(/no message with template "no.such"/);
    expect(await rejection({ action: 'dance' })).toMatch(/Invalid action/);
    expect(await handle.executeUpdate(recruiterActionUpdate, { args: [{ action: 'pause' }] })).toMatchObject({ paused: true });
    expect(await handle.executeUpdate(recruiterActionUpdate, { args: [{ action: 'resume' }] })).toMatchObject({ paused: false });
    const before = (await outbox(app)).length;
    await handle.executeUpdate(recruiterActionUpdate, { args: [{ action: 'sendNow', template: 'status.update' }] });
    await t.env.sleep('1 minute');
    expect((await outbox(app)).length).toBe(before + 1);
    const entries = (await handle.query(journeyTimelineQuery)).map((e) => e.type);
    expect(entries).toEqual(expect.arrayContaining(['journey.paused', 'journey.resumed']));
  });

  it('continues as new mid-journey with its timers, state and de-duplication intact', async () => {
    await t.env.sleep(untilLocal(await now(), TZ, 10));
    const app = newApp();
    const t0 = await now();
    const created = atsEvent('ats.application.created', t0);
    const handle = await send(app, created, 40);
    const firstRun = (await handle.describe()).runId;
    await send(app, atsEvent('ats.interview.scheduled', t0 + MINUTE, { interview: { id: 'int-9', start: new Date(t0 + 10 * DAY).toISOString() } }));
    await t.env.sleep('30 days');
    const described = await handle.describe();
    expect(described.runId).not.toBe(firstRun);
    // The redelivery is signalled without the usual query right after it: if the journey rolls over in the
    // task that applies it, a query sent at that moment can hang on the time-skipping test server.
    await handle.signal(atsEventSignal, created);
    await t.env.sleep('1 minute');
    const status = await handle.query(journeyStatusQuery);
    expect(status.eventsApplied).toBe(2);
    // The new run heard the redelivery and knew it (de-duplication carried across the rollover).
    expect((await handle.query(journeyTimelineQuery)).filter((e) => e.type === 'event.ignored' && e.eventId === created.id)).toEqual([expect.objectContaining({ reason: expect.stringContaining('duplicate') })]);
    const templates = (await outbox(app)).map((m) => m.template);
    // The reminders fired from timers set before the rollover, and nothing went twice.
    expect(templates).toEqual(expect.arrayContaining(['interview.confirmed', 'interview.reminder-day-before', 'interview.reminder-soon']));
    expect(templates.filter((t) => t === 'applied.ack')).toHaveLength(1);
    expect(templates.filter((t) => t === 'interview.confirmed')).toHaveLength(1);
  }, 240_000);

  it('applies a newly published definition at the next stage change, not before', async () => {
    await t.env.sleep(untilLocal(await now(), TZ, 10));
    const app = newApp();
    const t0 = await now();
    const handle = await send(app, atsEvent('ats.application.created', t0));
    await t.env.sleep('10 minutes');
    const raw = parse(readFileSync(join(__dirname, '../../journeys/default-sv.yaml'), 'utf8')) as { stages: { screening: { onEnter: { template: string }[] } } };
    raw.stages.screening.onEnter[0]!.template = 'screening.started-v2';
    const upgraded = validateDefinition(raw);
    if (!upgraded.ok) throw new Error(JSON.stringify(upgraded.errors));
    await handle.signal(definitionPublishedSignal, { definition: upgraded.definition, version: 'default-sv@v2' });
    await handle.query(journeyStatusQuery);
    await t.env.sleep('1 minute');
    expect((await handle.query(journeyStatusQuery)).definitionVersion).not.toBe('default-sv@v2');
    await send(app, atsEvent('ats.application.stage_changed', t0 + 20 * MINUTE, { stage: { to: { id: 's2', name: 'Screen', category: 'screening' } } }));
    await t.env.sleep('2 days');
    expect((await handle.query(journeyStatusQuery)).definitionVersion).toBe('default-sv@v2');
    expect((await outbox(app)).map((m) => m.template)).toContain('screening.started-v2');
  });
});

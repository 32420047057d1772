import { temporal } from '@temporalio/proto';
import { signalJourney, type JourneyHandle } from '../../core/temporal/journeys';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { initialJourney, journeyChoice } from '../../core/journeys/published';
import { journeyStatusQuery, journeyTimelineQuery, LONG_TIMER_LEAD_MS, type JourneyEvent } from '../../workflows/shared';
import { atsEvent, untilLocal } from '../helpers/events';
import { eventually } from '../helpers/eventually';
import { useFixture } from '../helpers/fixture';
import { historyRecorder } from '../helpers/histories';

const TZ = 'Europe/Stockholm';
const EventType = temporal.api.enums.v1.EventType;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A new application's journey as ingest starts it (services/ingest): the journey ingest resolved comes with the start,
 * and the decision that sends the acknowledgement hands its record (board row, journey events) to that send. So the
 * acknowledgement takes one local activity, where it took three (resolve, send, record) before.
 */
describe('a journey started with the definition ingest resolved (time-skipping server)', () => {
  const t = useFixture({ temporal: 'time-skipping', worker: true });
  const record = historyRecorder(t);
  const shipped = loadDefaultJourneys();
  let appSeq = 0;

  /** Starts the journey as ingest does for `ats.application.created`: with the journey resolved for the event's job and locale. */
  const startAsIngest = async (applicationId: string, event: JourneyEvent, resolveFor = journeyChoice(event.data)): Promise<JourneyHandle> => {
    const initial = await initialJourney(t.db, shipped, { tenant: 'acme', ...resolveFor }, await t.env.currentTimeMs());
    const handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId }, event, { searchAttributes: false, initial });
    await handle.query(journeyStatusQuery);
    return handle;
  };
  const send = async (applicationId: string, event: JourneyEvent): Promise<void> => {
    const handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId }, event, { searchAttributes: false });
    await handle.query(journeyStatusQuery);
  };
  /** The activity types of the local activities in a journey's history, in order. */
  const localActivities = async (handle: JourneyHandle): Promise<string[]> => {
    const history = await handle.fetchHistory();
    return (history.events ?? [])
      .filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
      .map((e) => {
        const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
        return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type : '?';
      });
  };
  const board = async (applicationId: string) =>
    (await t.db.query<{ stage: string; definition_version: string; last_message_template: string | null }>('select stage, definition_version, last_message_template from journey_board where application_id = $1', [applicationId])).rows[0];
  /** Resolves once the board shows the acknowledgement as the journey's last message. */
  const acknowledged = (applicationId: string) => eventually(async () => ((await board(applicationId))?.last_message_template === 'applied.ack' ? true : undefined));

  it('acknowledges with one local activity before the acknowledgement (the send, carrying the record), and the board and the events follow', async () => {
    await t.env.sleep(untilLocal(await t.env.currentTimeMs(), TZ, 10));
    const app = `ingest-resolved-${++appSeq}`;
    const created = atsEvent('ats.application.created', await t.env.currentTimeMs(), { candidate: { firstName: 'Astrid', email: 'astrid@example.com', locale: 'sv-SE', timeZone: TZ } });
    const handle = await startAsIngest(app, created);
    await acknowledged(app);
    // The markers are in the history once the workflow task that ran them completed.
    const acts = await eventually(async () => {
      const found = await localActivities(handle);
      return found.length >= 2 ? found : undefined;
    });
    // No resolveJourneyDefinition: the definition came with the start. The acknowledgement's send carried the first
    // decision's record; the decision on its result is recorded by a local activity of its own.
    expect(acts).toEqual(['deliverMessage', 'recordJourneyDecision']);
    // Started by ingest with the feature that says so, the journey records no patch marker and so no TemporalChangeVersion
    // search-attribute upsert (this test keeps Candor's own search attributes off).
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && e.markerRecordedEventAttributes?.markerName !== 'core_local_activity')).toEqual([]);
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)).toEqual([]);
    expect(await board(app)).toMatchObject({ stage: 'applied', definition_version: expect.stringMatching(/^default-sv@/) });
    const outbox = await t.db.query<{ template: string }>('select template from outbox where application_id = $1', [app]);
    expect(outbox.rows.map((r) => r.template)).toEqual(['applied.ack']);
    const published = t.published.filter((e) => e.applicationId === app).map((e) => e.type);
    expect(published).toEqual(expect.arrayContaining(['candor.journey.message.dispatched']));

    await send(app, atsEvent('ats.application.rejected', await t.env.currentTimeMs()));
    await t.env.sleep('3 days');
    expect(await handle.result()).toMatchObject({ completed: true });
    record(handle, 'sv-ingest-resolved-unmarked-then-rejected');
  });

  it('sends a due reminder on time and never early: the journey wakes 30 s before it (long-timer-lead), ticks 1 ms (timer-tick) and sleeps the rest on a timer set by the task after the tick', async () => {
    await t.env.sleep(untilLocal(await t.env.currentTimeMs(), TZ, 10));
    const app = `ingest-resolved-${++appSeq}`;
    const t0 = await t.env.currentTimeMs();
    const handle = await startAsIngest(app, atsEvent('ats.application.created', t0, { candidate: { firstName: 'Saga', email: 'saga@example.com', locale: 'sv-SE', timeZone: TZ } }));
    await acknowledged(app);
    // An interview at 14:00 in three days: its "soon" reminder is due two hours before.
    const start = t0 + 3 * DAY + 4 * HOUR;
    await send(app, atsEvent('ats.interview.scheduled', t0 + 60_000, { interview: { id: 'int-1', start: new Date(start).toISOString(), end: new Date(start + HOUR).toISOString(), location: 'Sveavägen 1' } }));
    const due = (await handle.query(journeyStatusQuery)).scheduled.find((m) => m.template === 'interview.reminder-soon')?.dueAt;
    expect(due).toBe(start - 2 * HOUR);
    await t.env.sleep(start - HOUR - (await t.env.currentTimeMs()));
    const dispatched = (await handle.query(journeyTimelineQuery)).find((e) => e.type === 'message.dispatched' && e.template === 'interview.reminder-soon');
    expect(dispatched?.at).toBeGreaterThanOrEqual(due!);
    expect(dispatched!.at - due!).toBeLessThan(5_000);
    // The timer that woke it for the reminder was the short one, started within LONG_TIMER_LEAD_MS of the due time, by
    // the task after a 1 ms tick (not by the task the early wake-up started).
    const timers = ((await handle.fetchHistory()).events ?? [])
      .filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED)
      .map((e) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) * 1000 + Math.round((e.timerStartedEventAttributes?.startToFireTimeout?.nanos ?? 0) / 1e6));
    const short = timers.findIndex((ms) => ms > 5_000 && ms <= LONG_TIMER_LEAD_MS);
    expect(short).toBeGreaterThan(1);
    expect(timers[short - 1]).toBe(1);
    expect(timers[short - 2]).toBeGreaterThan(LONG_TIMER_LEAD_MS);
    await send(app, atsEvent('ats.application.rejected', await t.env.currentTimeMs()));
    await t.env.sleep('3 days');
    expect(await handle.result()).toMatchObject({ completed: true });
    record(handle, 'sv-ingest-resolved-timer-tick-reminder-then-rejected');
  });

  it('resolves the journey itself when its first event names another locale than ingest resolved for', async () => {
    await t.env.sleep(untilLocal(await t.env.currentTimeMs(), TZ, 10));
    const app = `ingest-resolved-${++appSeq}`;
    const created = atsEvent('ats.application.created', await t.env.currentTimeMs(), { candidate: { firstName: 'Oliver', email: 'oliver@example.com', locale: 'en-GB', timeZone: TZ } });
    const handle = await startAsIngest(app, created, { locale: 'sv-SE' });
    await acknowledged(app);
    expect((await localActivities(handle))[0]).toBe('resolveJourneyDefinition');
    expect(await board(app)).toMatchObject({ definition_version: expect.stringMatching(/^default-en@/) });
  });
});

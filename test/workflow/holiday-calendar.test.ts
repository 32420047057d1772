import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { calendarHolidays } from '../../core/journeys/holidays';
import { createLogger } from '../../core/logger';
import { signalJourney } from '../../core/temporal/journeys';
import { addDays, fromLocal, isoDate, isoWeekday, toLocal, type LocalDate } from '../../workflows/engine/time-zone';
import { journeyStatusQuery, journeyTimelineQuery } from '../../workflows/shared';
import { atsEvent } from '../helpers/events';
import { useFixture } from '../helpers/fixture';
import { testDataConverter, workflowBundle } from '../helpers/worker';

const TZ = 'Europe/Stockholm';
// Swedish days off around Christmas and New Year that fall on fixed dates (public and bank holidays).
const SWEDISH_FIXED = ['12-24', '12-25', '12-26', '12-31', '01-01', '01-06'];

/** The business day `n` after `from`, counted by hand: weekends and the fixed Swedish holidays are skipped. */
function handCountedBusinessDay(from: LocalDate, n: number): string {
  let date = from;
  for (let counted = 0; counted < n; ) {
    date = addDays(date, 1);
    if (isoWeekday(date) <= 5 && !SWEDISH_FIXED.includes(isoDate(date).slice(5))) counted++;
  }
  return isoDate(date);
}

describe('a journey on a named holiday calendar (time-skipping server)', () => {
  const t = useFixture({ temporal: 'time-skipping', worker: true });

  it('defers a follow-up past Christmas 2028 with `holidays: { calendar: SE }`, a year no date list covered', async () => {
    // The shipped Swedish journey names `calendar: SE`; its applied-stage follow-up comes 4 business days after the acknowledgement.
    const year = Math.max(2028, new Date(await t.env.currentTimeMs()).getUTCFullYear() + 1);
    let day: LocalDate = { year, month: 12, day: 23 };
    while (isoWeekday(day) > 5) day = addDays(day, -1);
    const start = fromLocal(TZ, day, 10 * 60);
    await t.env.sleep(start - (await t.env.currentTimeMs()));

    const handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId: 'app-xmas' }, atsEvent('ats.application.created', start), { searchAttributes: false });
    await handle.query(journeyStatusQuery);
    await t.env.sleep('14 days');

    const sent = (await handle.query(journeyTimelineQuery)).filter((e) => e.type === 'message.dispatched');
    expect(sent.map((e) => e.template).slice(0, 2)).toEqual(['applied.ack', 'applied.still-reviewing']);
    const followUpDate = isoDate(toLocal(sent[1]!.at, TZ));
    expect(followUpDate).toBe(handCountedBusinessDay(day, 4));
    // Counting weekdays only, Christmas and Boxing Day would have been business days: the follow-up would have come earlier.
    let weekdaysOnly = day;
    for (let counted = 0; counted < 4; ) {
      weekdaysOnly = addDays(weekdaysOnly, 1);
      if (isoWeekday(weekdaysOnly) <= 5) counted++;
    }
    expect(followUpDate > isoDate(weekdaysOnly)).toBe(true);
    expect(new Date(sent[1]!.at).getUTCFullYear()).toBeGreaterThanOrEqual(2028);
  });

  it('resolves the calendar again when a journey started years ago rolls over (continue-as-new), and keeps going', async () => {
    // A journey started in 2026 carries SE holidays for 2026-2028 in its snapshot; it is now past them.
    const base = createActivities({ logger: createLogger({ logLevel: 'silent', secrets: [] }), db: t.db, events: { publish: async () => undefined } });
    const startedIn2026 = [2026, 2027, 2028].flatMap((year) => calendarHolidays('SE', year));
    const old = await Worker.create({
      connection: t.env.nativeConnection,
      taskQueue: 'wf-holidays-old',
      workflowBundle: await workflowBundle(),
      dataConverter: testDataConverter,
      activities: {
        ...base,
        resolveJourneyDefinition: async (params: Parameters<typeof base.resolveJourneyDefinition>[0]) => {
          const chosen = await base.resolveJourneyDefinition(params);
          return { ...chosen, definition: { ...chosen.definition, holidays: { calendar: 'SE', extra: [], resolved: { calendar: 'SE', from: 2026, to: 2028, dates: startedIn2026 } } } };
        },
      },
    });
    await old.runUntil(async () => {
      const at = await t.env.currentTimeMs();
      expect(new Date(at).getUTCFullYear()).toBeGreaterThanOrEqual(2029);
      const handle = await signalJourney(t.env.client, 'wf-holidays-old', { tenant: 'acme', applicationId: 'app-old' }, atsEvent('ats.application.created', at), { searchAttributes: false, historyLimit: 10 });
      const firstRun = (await handle.describe()).runId;
      // Its first workflow task does all of the acknowledgement (local activities); an update a day later wakes it
      // past its history limit, so it rolls over.
      await t.env.sleep('1 day');
      await signalJourney(t.env.client, 'wf-holidays-old', { tenant: 'acme', applicationId: 'app-old' }, atsEvent('ats.candidate.updated', at + 86_400_000), { searchAttributes: false, historyLimit: 10 });
      await t.env.sleep('2 days');
      expect((await handle.query(journeyStatusQuery)).status).toBe('open');
      const latestRun = (await handle.describe()).runId;
      expect(latestRun).not.toBe(firstRun);
      // The run that rolled over asked for the calendar again, outside the workflow.
      const history = await t.env.client.workflow.getHandle(handle.workflowId, firstRun).fetchHistory();
      const activities = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
      expect(activities).toContain('resolveHolidays');
    });
  });
});

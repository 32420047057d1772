import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { findLedgerRow, type LedgerRow } from '../../activities/messaging';
import { signalJourney } from '../../core/temporal/journeys';
import { journeyTimelineQuery } from '../../workflows/shared';
import { unique } from '../helpers/env';
import { atsEvent, candidate, daytimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';

/** "HH:MM" in `timeZone`, `minutes` from `t`. */
const clock = (t: number, timeZone: string, minutes = 0) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(t + minutes * 60_000));

/**
 * Quiet hours re-checked at send time, on the real dev server (the time-skipping server ignores an
 * activity failure's nextRetryDelay), by the journey's own calendar. The journey (its quiet window is two
 * minutes from now, candidate's local time) decides to send at once; the activity judges the time as if the
 * worker had woken late, two seconds before that window ends. The shipped default (21:00–08:00, and this is
 * a daytime zone) would send; the journey's calendar defers the send to the window's end by Temporal's
 * retry, and then it goes out once.
 */
describe('touchpoints on the dev server: quiet hours at send time', () => {
  const t = useFixture({ temporal: 'shared', fakes: true });

  it("defers a send that falls in the journey's quiet hours to the end of them, never dropping it", async () => {
    const timeZone = daytimeZone();
    const now = Date.now();
    // A quiet window two to three minutes from now (candidate's local time), as the journey's settings write it.
    const quietHours = { start: clock(now, timeZone, 2), end: clock(now, timeZone, 3) };
    const windowEnd = Math.floor(now / 60_000) * 60_000 + 3 * 60_000;
    const shipped = loadDefaultJourneys().get('sv')!;
    const journey = { definition: { ...shipped.definition, quietHours }, version: 'quiet@1' };
    // From its first attempt on, the activity's clock runs two seconds before the window's end: a worker that woke late.
    let firstAttemptAt: number | undefined;
    let lateBy = 0;
    const activityClock = () => {
      if (firstAttemptAt === undefined) {
        firstAttemptAt = Date.now();
        lateBy = windowEnd - 2_000 - firstAttemptAt;
      }
      return Date.now() + lateBy;
    };
    const applicationId = unique('app');
    const phone = '+46705559999';
    await t.withWorker(
      async () => {
        const handle = await signalJourney(t.client, t.taskQueue, { tenant: 'acme', applicationId }, atsEvent('ats.application.created', Date.now(), {
          application: { id: applicationId, jobId: 'job-7', jobTitle: 'Backend Engineer' },
          candidate: candidate({ phone, email: 'quiet@example.com', timeZone, consent: { sms: true, email: false } }),
        }), { searchAttributes: false });
        const sms = await t.fakes.twilio.accepted(phone);
        // Held by the retry until the journey's window ended (by the activity's clock), not sent at once.
        expect(sms.dateCreated.getTime() + lateBy).toBeGreaterThanOrEqual(windowEnd - 100);
        expect(sms.dateCreated.getTime() - firstAttemptAt!).toBeGreaterThanOrEqual(1_500);
        expect(t.fakes.twilio.sent.filter((m) => m.to === phone)).toHaveLength(1);
        // The provider has it; the activity's result reaches the journey a moment later.
        let timeline = await handle.query(journeyTimelineQuery);
        for (let i = 0; i < 100 && !timeline.some((e) => e.type === 'message.sent'); i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          timeline = await handle.query(journeyTimelineQuery);
        }
        expect(timeline.filter((e) => e.type === 'message.sent')).toHaveLength(1);
        const row = (await t.db.query<LedgerRow>('select * from message_ledger where application_id = $1', [applicationId])).rows[0]!;
        expect(await findLedgerRow(t.db, { tenant: row.tenant_id, messageId: row.message_id, channel: 'sms' })).toMatchObject({ status: 'accepted', attempts: 1 });
      },
      { providers: t.providers(), publicUrl: 'http://127.0.0.1:1', journeys: new Map([['sv', journey]]), messaging: { maxProviderAttempts: 3, now: activityClock } },
    );
  }, 150_000);
});

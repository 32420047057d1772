import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadDefaultJourneys } from '../../activities/journeys/default-journeys';
import { findLedgerRow, type LedgerRow } from '../../activities/messaging';
import { createLogger } from '../../services/logger';
import type { Database } from '../../services/store';
import { signalJourney } from '../../services/temporal/journeys';
import { journeyTimelineQuery } from '../../workflows/shared';
import { required, unique } from '../helpers/env';
import { atsEvent, candidate, daytimeZone } from '../helpers/events';
import { fakeProviders, messagingDb, startFakes, type Fakes } from '../helpers/messaging-world';
import { testClient, testDataConverter, workflowBundle } from '../helpers/worker';

/** "HH:MM" in `timeZone`, `minutes` from `t`. */
const clock = (t: number, timeZone: string, minutes = 0) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(t + minutes * 60_000));

/**
 * Quiet hours re-checked at send time, on the real dev server (the time-skipping server ignores an
 * activity failure's nextRetryDelay). The journey decided to send in daytime; by the time the activity
 * runs, the candidate's quiet window has begun (here: the activity's calendar puts "now" inside it), so
 * the send is deferred to the window's end by Temporal's retry, and then goes out once.
 */
describe('touchpoints on the dev server: quiet hours at send time', () => {
  let fakes: Fakes;
  let db: Database;

  beforeAll(async () => {
    fakes = await startFakes(17540, 17541);
    db = await messagingDb();
  });
  afterAll(async () => {
    await fakes?.close();
    await db?.close();
  });

  it('defers a message whose send falls in quiet hours to the end of them, never dropping it', async () => {
    const address = required('TEMPORAL_ADDRESS');
    const timeZone = daytimeZone();
    const now = Date.now();
    // A quiet window from this minute to the next (candidate's local time), as a journey's settings write it.
    const quietHours = { start: clock(now, timeZone), end: clock(now, timeZone, 1) };
    const shipped = loadDefaultJourneys().get('sv')!;
    const windowEnd = Math.ceil((now + 1) / 60_000) * 60_000;
    const connection = await NativeConnection.connect({ address });
    const taskQueue = unique('tp-quiet');
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      dataConverter: testDataConverter,
      activities: createActivities({
        logger: createLogger({ logLevel: 'silent', secrets: [] }),
        db,
        events: { publish: async () => undefined },
        providers: fakeProviders(fakes),
        publicUrl: 'http://127.0.0.1:1',
        // The activity judges quiet hours by these settings; the journey itself (default 21:00–08:00) sends now.
        messaging: { maxProviderAttempts: 3, calendarFor: () => ({ ...shipped.definition, quietHours }) },
      }),
    });
    const client = await testClient(address);
    const applicationId = unique('app');
    const phone = '+46705559999';
    try {
      await worker.runUntil(async () => {
        const handle = await signalJourney(client, taskQueue, { tenant: 'acme', applicationId }, atsEvent('ats.application.created', Date.now(), {
          application: { id: applicationId, jobId: 'job-7', jobTitle: 'Backend Engineer' },
          candidate: candidate({ phone, email: 'quiet@example.com', timeZone, consent: { sms: true, email: false } }),
        }), { searchAttributes: false });
        const sms = await fakes.twilio.accepted(phone);
        expect(sms.dateCreated.getTime()).toBeGreaterThanOrEqual(windowEnd - 1000);
        expect(fakes.twilio.sent.filter((m) => m.to === phone)).toHaveLength(1);
        // The provider has it; the activity's result reaches the journey a moment later.
        let timeline = await handle.query(journeyTimelineQuery);
        for (let i = 0; i < 100 && !timeline.some((e) => e.type === 'message.delivered'); i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          timeline = await handle.query(journeyTimelineQuery);
        }
        expect(timeline.filter((e) => e.type === 'message.delivered')).toHaveLength(1);
        const row = (await db.query<LedgerRow>('select * from message_ledger where application_id = $1', [applicationId])).rows[0]!;
        expect(await findLedgerRow(db, row.message_id, 'sms')).toMatchObject({ status: 'accepted', attempts: 1 });
      });
    } finally {
      await connection.close();
    }
  }, 150_000);
});

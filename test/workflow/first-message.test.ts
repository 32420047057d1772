import { signalJourney } from '../../core/temporal/journeys';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { initialJourney, journeyChoice } from '../../core/journeys/published';
import type { DeliverRequest } from '../../workflows/contracts';
import { firstMessageOf } from '../../workflows/first-message';
import { journeyStatusQuery } from '../../workflows/shared';
import { atsEvent, untilLocal } from '../helpers/events';
import { eventually } from '../helpers/eventually';
import { useFixture } from '../helpers/fixture';
import type { Queryable } from '../../core/store/database';

/*
 * Ingest sends a new journey's acknowledgement with the request firstMessageOf computes; the journey's own send must
 * then find it in the ledger, which it does only when it asks for the very same message (tenant, message id, channel)
 * with the same words. Here the journey's first send, as its worker hands it to the send path, is compared with what
 * firstMessageOf computed for the same start, for candidates that make the journeys choose differently.
 */
/** The board row and timeline the store has of a journey. */
async function storedRecord(db: Queryable, applicationId: string): Promise<unknown> {
  const board = await db.query(
    `select journey_id, definition_version, status, stage, locale, time_zone, last_message_template, next_message_template, detail, seq
       from journey_board where tenant_id = 'acme' and application_id = $1`,
    [applicationId],
  );
  const timeline = await db.query<{ entry: unknown }>(`select entry from journey_timeline where tenant_id = 'acme' and application_id = $1 order by n`, [applicationId]);
  return { board: board.rows[0], timeline: timeline.rows.map((r) => r.entry) };
}

/** The same value with every instant (epoch ms) replaced, to compare records made a moment apart. */
const withoutTimes = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'number' && v > 1e12 ? 'instant' : v));

describe('the first message ingest computes is the one the journey sends (time-skipping server)', () => {
  const handed: DeliverRequest[] = [];
  // What the store held of the journey when its first send reached the ledger: its first decision's record, which the
  // journey's send writes first.
  const stored = new Map<string, Promise<unknown>>();
  const t = useFixture({
    temporal: 'time-skipping',
    worker: (f) => ({
      messaging: {
        crash: (point, request) => {
          if (point !== 'before-ledger') return;
          handed.push(request);
          stored.set(request.applicationId, storedRecord(f.db, request.applicationId));
        },
      },
    }),
  });
  const shipped = loadDefaultJourneys();

  const cases: [string, Record<string, unknown>][] = [
    ['a Swedish candidate with both channels (e-mail first)', { candidate: { firstName: 'Astrid', email: 'astrid@example.com', phone: '+46701234567', locale: 'sv-SE', timeZone: 'Europe/Stockholm', consent: { email: true, sms: true } } }],
    ['an English candidate reachable by SMS only', { candidate: { firstName: 'Sam', phone: '+447700900123', locale: 'en-GB', timeZone: 'Europe/London', consent: { email: false, sms: true } } }],
    ['a candidate without a locale (the default journey\'s)', { candidate: { firstName: 'Kim', email: 'kim@example.com', timeZone: 'Europe/Stockholm', consent: { email: true, sms: false } }, recruiter: { name: 'Maja Lind' } }],
  ];

  it.each(cases)('%s', async (_name, data) => {
    const timeZone = (data.candidate as { timeZone: string }).timeZone;
    await t.env.sleep(untilLocal(await t.env.currentTimeMs(), timeZone, 11));
    const applicationId = `first-message-${handed.length}-${timeZone.replace('/', '-')}`;
    const now = await t.env.currentTimeMs();
    const event = atsEvent('ats.application.created', now, data, `${applicationId}-created`);
    const initial = await initialJourney(t.db, shipped, { tenant: 'acme', ...journeyChoice(event.data) }, now);
    const computed = firstMessageOf({ tenant: 'acme', applicationId, event, initial, now });
    expect(computed).toBeDefined();

    const handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId }, event, { searchAttributes: false, initial });
    await handle.query(journeyStatusQuery);
    const sent = await eventually(async () => handed.find((r) => r.applicationId === applicationId));
    const { at: _at, record: _record, ...journeys } = sent;
    const { at: _computedAt, ...ingests } = computed!.request;
    expect(ingests).toEqual(journeys);
    // The record ingest writes with it is the journey's own record of that decision (times aside: ingest decides first).
    const { record } = computed!;
    expect(record.seq).toBe(0);
    expect(withoutTimes(await stored.get(applicationId))).toEqual(
      withoutTimes({
        board: { journey_id: record.journeyId, definition_version: record.definitionVersion, status: record.status, stage: record.stage, locale: record.locale, time_zone: record.timeZone, last_message_template: record.lastMessage?.template ?? null, next_message_template: record.nextMessage?.template ?? null, detail: record.detail, seq: 1 },
        timeline: record.timeline!.entries,
      }),
    );
  });
});

import { signalJourney } from '../../core/temporal/journeys';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { initialJourney, journeyChoice } from '../../core/journeys/published';
import type { DeliverRequest } from '../../workflows/contracts';
import { firstMessageOf } from '../../workflows/first-message';
import { journeyStatusQuery } from '../../workflows/shared';
import { atsEvent, untilLocal } from '../helpers/events';
import { eventually } from '../helpers/eventually';
import { useFixture } from '../helpers/fixture';

/*
 * Ingest sends a new journey's acknowledgement with the request firstMessageOf computes; the journey's own send must
 * then find it in the ledger, which it does only when it asks for the very same message (tenant, message id, channel)
 * with the same words. Here the journey's first send, as its worker hands it to the send path, is compared with what
 * firstMessageOf computed for the same start, for candidates that make the journeys choose differently.
 */
describe('the first message ingest computes is the one the journey sends (time-skipping server)', () => {
  const handed: DeliverRequest[] = [];
  const t = useFixture({ temporal: 'time-skipping', worker: () => ({ messaging: { crash: (point, request) => void (point === 'before-ledger' && handed.push(request)) } }) });
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
    const { at: _computedAt, ...ingests } = computed!;
    expect(ingests).toEqual(journeys);
  });
});

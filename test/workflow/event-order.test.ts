import fc from 'fast-check';
import { JourneyClosedError, signalJourney } from '../../core/temporal/journeys';
import { journeyStatusQuery, journeyTimelineQuery, type JourneyEvent } from '../../workflows/shared';
import { untilLocal } from '../helpers/events';
import { useFixture } from '../helpers/fixture';
import { historyRecorder } from '../helpers/histories';

const TZ = 'Europe/Stockholm';
const MINUTE = 60_000;
const DAY = 86_400_000;
const ACK_WITHIN = 5 * MINUTE;

type Kind = 'created' | 'screening' | 'interview-scheduled' | 'updated' | 'interview-stage' | 'rejected';

/**
 * Webhooks arrive in any order. Through the real workflow on the time-skipping server (real activities, the
 * sandbox provider writing the outbox), every order of a realistic event set must give the candidate one
 * acknowledgement, on a channel they can be reached on, within ackWithin of the moment they first could be, in
 * the language and with the details whichever event brought them. Only `created` carries the e-mail address,
 * locale, job and recruiter; only `candidate.updated` carries the phone number (and consent for both channels,
 * without repeating the address); stage and interview events carry no candidate at all, as some ATSs send them.
 * The acknowledgement names the job and the recruiter, so it can be written once `created` is in: a phone
 * number that comes first makes the journey try, and the message then waits for the event with the details.
 */
describe('candidateJourney with events in any order (time-skipping server)', () => {
  const t = useFixture({ temporal: 'time-skipping', worker: true });
  let appSeq = 0;
  /** `RECORD_HISTORIES=1` saves the history of the fixed scenario below for the replay test (after the last test). */
  const record = historyRecorder(t);

  /** The ATS event of a kind; ATS times follow the real order (created first, the rejection last). */
  const eventOf = (kind: Kind, applicationId: string, t0: number): JourneyEvent => {
    const ref = { id: applicationId };
    const at = (minutes: number) => new Date(t0 + minutes * MINUTE).toISOString();
    const id = `${applicationId}-${kind}`;
    switch (kind) {
      case 'created':
        return {
          id,
          type: 'ats.application.created',
          time: at(0),
          data: {
            application: { id: applicationId, jobId: 'job-7', jobTitle: 'Backend Engineer' },
            candidate: { id: 'cand-1', firstName: 'Astrid', email: `${applicationId}@example.com`, locale: 'sv-SE', consent: { email: true } },
            recruiter: { name: 'Maja Lind', email: 'maja@acme.test' },
          },
        };
      case 'screening':
        return { id, type: 'ats.application.stage_changed', time: at(1), data: { application: ref, stage: { to: { category: 'screening' } } } };
      case 'interview-scheduled':
        return {
          id,
          type: 'ats.interview.scheduled',
          time: at(2),
          data: { application: ref, interview: { id: 'i1', start: new Date(t0 + 3 * DAY).toISOString(), end: new Date(t0 + 3 * DAY + 3_600_000).toISOString() } },
        };
      case 'updated':
        return {
          id,
          type: 'ats.candidate.updated',
          time: at(3),
          data: { application: ref, candidate: { id: 'cand-1', firstName: 'Astrid', phone: '+46701234567', timeZone: TZ, consent: { email: true, sms: true } } },
        };
      case 'interview-stage':
        return { id, type: 'ats.application.stage_changed', time: at(4), data: { application: ref, stage: { to: { category: 'interview' } } } };
      case 'rejected':
        return { id, type: 'ats.application.rejected', time: at(5), data: { application: ref } };
    }
  };

  it('a stage change and the phone number before created: the acknowledgement goes when created arrives, the rejection closes', async () => {
    await t.env.sleep(untilLocal(await t.env.currentTimeMs(), TZ, 10));
    const applicationId = `order-${++appSeq}`;
    const t0 = await t.env.currentTimeMs();
    const send = async (kind: Kind) => {
      const handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId }, eventOf(kind, applicationId, t0), { searchAttributes: false });
      await handle.query(journeyStatusQuery);
      return handle;
    };
    const handle = await send('screening');
    await t.env.sleep('2 minutes');
    await send('updated');
    await t.env.sleep('3 minutes');
    const createdAt = await t.env.currentTimeMs();
    await send('created');
    await t.env.sleep('1 hour');
    await send('rejected');
    await t.env.sleep('2 days');
    const timeline = await handle.query(journeyTimelineQuery);
    const outbox = (await t.db.query<{ template: string; channel: string; sent_at: Date }>('select template, channel, sent_at from outbox where tenant_id = $1 and application_id = $2 order by sent_at', ['acme', applicationId])).rows;
    expect(outbox.map((m) => m.template)).toEqual(['applied.ack', 'screening.started', 'rejected.closing']);
    expect(outbox[0]!.sent_at.getTime() - createdAt).toBeLessThanOrEqual(ACK_WITHIN);
    expect(timeline.some((e) => e.type === 'definition.upgraded')).toBe(true);
    expect((await handle.query(journeyStatusQuery)).completed).toBe(true);
    record(handle, 'sv-stage-change-and-phone-before-created-then-rejected');
  });

  const scenarioArb = fc.record({
    order: fc.shuffledSubarray<Kind>(['created', 'screening', 'interview-scheduled', 'updated', 'interview-stage', 'rejected'], { minLength: 6, maxLength: 6 }),
    withRejection: fc.boolean(),
    gapsMinutes: fc.array(fc.constantFrom(0, 1, 3, 20), { minLength: 6, maxLength: 6 }),
  });

  it('acknowledges once, on a reachable channel, within ackWithin of first contact, with the details any event brought', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        runs++;
        const order = scenario.withRejection ? scenario.order : scenario.order.filter((k) => k !== 'rejected');
        // A weekday morning in the candidate's zone: nothing here is held for quiet hours.
        await t.env.sleep(untilLocal(await t.env.currentTimeMs(), TZ, 10));
        const applicationId = `order-${++appSeq}`;
        const t0 = await t.env.currentTimeMs();
        const arrivals: { kind: Kind; at: number }[] = [];
        let handle: Awaited<ReturnType<typeof signalJourney>> | undefined;
        for (const [i, kind] of order.entries()) {
          if (scenario.gapsMinutes[i]! > 0) await t.env.sleep(scenario.gapsMinutes[i]! * MINUTE);
          arrivals.push({ kind, at: await t.env.currentTimeMs() });
          try {
            handle = await signalJourney(t.env.client, t.taskQueue, { tenant: 'acme', applicationId }, eventOf(kind, applicationId, t0), { searchAttributes: false });
          } catch (error) {
            // The rejection's closing message went and the journey ended: later events are refused, as they should be.
            if (!(error instanceof JourneyClosedError)) throw error;
            continue;
          }
          await handle.query(journeyStatusQuery);
        }
        await t.env.sleep('1 hour');
        const timeline = await handle!.query(journeyTimelineQuery);
        const outbox = (await t.db.query<{ template: string; channel: string; recipient: string; locale: string; body: string; sent_at: Date }>(
          'select template, channel, recipient, locale, body, sent_at from outbox where tenant_id = $1 and application_id = $2 order by sent_at',
          ['acme', applicationId],
        )).rows;

        const createdAt = arrivals.find((a) => a.kind === 'created')!.at;
        const updatedAt = arrivals.find((a) => a.kind === 'updated')!.at;
        // The first moment the candidate can be reached and the acknowledgement written: when created arrived.
        const firstContact = createdAt;
        // Messages go out concurrently and their results come back in any order: what counts is the order they
        // were handed to the provider in (the dispatch that then got delivered).
        const sent = timeline
          .map((entry, index) => ({ entry, index }))
          .filter(({ entry }) => entry.type === 'message.delivered')
          .map(({ entry, index }) => {
            let at = index;
            while (!(timeline[at]!.type === 'message.dispatched' && timeline[at]!.messageId === entry.messageId)) at--;
            return { delivered: entry, dispatchIndex: at };
          })
          .sort((a, b) => a.dispatchIndex - b.dispatchIndex);
        expect(sent.length).toBeGreaterThan(0);
        const first = sent[0]!.delivered;
        const firstDispatch = timeline[sent[0]!.dispatchIndex]!;
        expect(first.at).toBeGreaterThanOrEqual(firstContact);
        expect(first.at - firstContact).toBeLessThanOrEqual(ACK_WITHIN);
        // Reachable: e-mail once created arrived, SMS once the update did.
        expect(first.channel === 'email' ? createdAt <= first.at : updatedAt <= first.at).toBe(true);
        const acks = outbox.filter((m) => m.template === 'applied.ack');
        if (firstDispatch.purpose === 'closing') {
          expect(acks).toHaveLength(0);
        } else {
          expect(firstDispatch.purpose).toBe('ack');
          expect(acks).toHaveLength(1);
          expect(acks[0]!.recipient).toBe(acks[0]!.channel === 'email' ? `${applicationId}@example.com` : '+46701234567');
        }
        expect(timeline.filter((e) => e.type === 'message.suppressed')).toEqual([]);
        // A send tried before the details were in failed for want of them, never for the channel.
        for (const failure of timeline.filter((e) => e.type === 'message.failed')) expect(failure.reason).toMatch(/^TemplateDataMissing/);
        // Every message written after the created event arrived is in Swedish and greets the candidate by name.
        for (const message of outbox) {
          if (message.sent_at.getTime() <= createdAt) continue;
          expect(message.locale).toBe('sv-SE');
          if (message.template === 'applied.ack') expect(message.body).toContain('Astrid');
        }
        // A created event after the start is applied, and the timeline says it came late.
        if (order[0] !== 'created') expect(timeline.some((e) => e.eventId === `${applicationId}-created` && e.type === 'candidate.updated')).toBe(true);
        const status = await handle!.query(journeyStatusQuery);
        if (!status.completed) expect([status.locale, status.timeZone]).toEqual(['sv-SE', TZ]);
      }),
      { numRuns: Number(process.env.EVENT_ORDER_WORKFLOW_RUNS ?? 6), endOnFailure: true,
        // The phone number first (the acknowledgement cannot be written yet), then created, with a rejection last.
        examples: [[{ order: ['interview-stage', 'updated', 'created', 'interview-scheduled', 'screening', 'rejected'], withRejection: true, gapsMinutes: [1, 3, 1, 20, 1, 1] }]] },
    );
    expect(runs).toBeGreaterThan(0);
  });
});

import { ATS_EVENT_DATA, toJourneyCloudEvent } from '../../../core/events';

/** The contract's interview additions: slots offered by the ATS, and what Candor tells the ATS back (ids and times only). */
describe('interview slots in the event contract', () => {
  const slot = (id: string, start: string, end: string) => ({ id, start, end });
  const offered = (slots: unknown[]) => ATS_EVENT_DATA['ats.interview.slots_offered'].safeParse({ application: { id: 'app-1' }, interview: { id: 'int-1' }, slots });

  it('accepts 1-50 slots with offsets and an end after the start, and refuses the rest', () => {
    expect(offered([slot('a', '2026-12-07T10:00:00+01:00', '2026-12-07T11:00:00+01:00')]).success).toBe(true);
    expect(offered([]).success).toBe(false);
    expect(offered([slot('a', '2026-12-07T10:00:00+01:00', '2026-12-07T09:00:00+01:00')]).success).toBe(false);
    expect(offered([slot('a', '2026-12-07T10:00:00', '2026-12-07T11:00:00')]).success).toBe(false);
    expect(offered(Array.from({ length: 51 }, (_, i) => slot(`s${i}`, '2026-12-07T10:00:00Z', '2026-12-07T11:00:00Z'))).success).toBe(false);
  });

  it('publishes slot_chosen with the slot and its times, reschedule_requested with the request id, and refuses them without', () => {
    const base = { id: 'acme:app-1:event:7', tenant: 'acme', applicationId: 'app-1' };
    const chosen = toJourneyCloudEvent({ ...base, type: 'candor.journey.interview.slot_chosen', data: { interview: { interviewId: 'int-1', slotId: 'a', start: '2026-12-07T09:00:00.000Z', end: '2026-12-07T10:00:00.000Z' } } });
    expect(chosen).toMatchObject({ type: 'candor.journey.interview.slot_chosen', subject: 'app-1', data: { interview: { slotId: 'a' } } });
    expect(toJourneyCloudEvent({ ...base, type: 'candor.journey.interview.reschedule_requested', data: { interview: { interviewId: 'int-1', requestId: 'r_1' } } }).data).toEqual({ interview: { interviewId: 'int-1', requestId: 'r_1' } });
    expect(() => toJourneyCloudEvent({ ...base, type: 'candor.journey.interview.slot_chosen', data: { interview: { interviewId: 'int-1' } } })).toThrow();
    expect(() => toJourneyCloudEvent({ ...base, type: 'candor.journey.interview.reschedule_requested', data: {} })).toThrow();
    expect(toJourneyCloudEvent({ ...base, type: 'candor.journey.candidate.withdrew', data: { reason: 'status-page' } }).type).toBe('candor.journey.candidate.withdrew');
  });
});

import { nextWakeUp } from '../../../workflows/engine';
import { DAY, Driver, HOUR, delivers, minimalRaw, mustValidate, utc } from './fixtures';

const TZ = 'Europe/Stockholm';
const MONDAY_10 = utc('2025-03-03T09:00'); // Monday 10:00 in Stockholm
const raw = minimalRaw();
(raw.interview as Record<string, unknown>).slotsOffered = { template: 'interview.choose-time' };
const definition = mustValidate(raw);

function started(): Driver {
  const driver = new Driver(definition, { timeZone: TZ });
  driver.ats({ type: 'ats.application.created' }, MONDAY_10);
  return driver;
}
const reminderTimes = (driver: Driver) => driver.state.scheduled.filter((m) => m.purpose === 'interview-reminder').map((m) => m.dueAt).sort((a, b) => a - b);

/** The candidate's side of an interview: slots offered, a slot booked, another time asked for, a withdrawal. */
describe('decide: interviews on the candidate\'s terms', () => {
  const thursday14 = utc('2025-03-06T13:00'); // Thursday 14:00 in Stockholm
  const friday11 = utc('2025-03-07T10:00');

  it('invites the candidate to choose once per offer, from the ATS event or the API', () => {
    const driver = started();
    const fromAts = driver.ats({ type: 'ats.interview.slots_offered', interview: { id: 'i1', start: thursday14 } }, MONDAY_10 + HOUR);
    expect(delivers(fromAts).map((d) => [d.template, d.purpose])).toEqual([['interview.choose-time', 'interview-slots']]);
    expect(driver.state.timeline.some((e) => e.type === 'interview.slots_offered' && e.interviewId === 'i1')).toBe(true);
    // No interview is scheduled by an offer: nothing to remind of yet.
    expect(reminderTimes(driver)).toEqual([]);
    expect(delivers(driver.send({ kind: 'slots-offered', interviewId: 'i1', offerId: 'o2' }, MONDAY_10 + 2 * HOUR)).map((d) => d.template)).toEqual(['interview.choose-time']);
  });

  it('takes a booked slot as the interview, holds its reminders when the candidate asks for another time, and moves them to the next slot booked', () => {
    const driver = started();
    const chosen = driver.send({ kind: 'slot-chosen', interviewId: 'i1', slotId: 's1', start: thursday14, end: thursday14 + HOUR }, MONDAY_10 + HOUR);
    expect(delivers(chosen).map((d) => d.template)).toEqual(['interview.confirmed']);
    expect(chosen).toContainEqual(expect.objectContaining({ type: 'publishEvent', eventType: 'interview.slot_chosen', interview: { interviewId: 'i1', slotId: 's1', start: new Date(thursday14).toISOString(), end: new Date(thursday14 + HOUR).toISOString() } }));
    expect(reminderTimes(driver)).toEqual([thursday14 - DAY, thursday14 - 2 * HOUR]);

    const asked = driver.send({ kind: 'reschedule-requested', interviewId: 'i1', requestId: 'r1' }, MONDAY_10 + 2 * HOUR);
    expect(asked).toContainEqual(expect.objectContaining({ type: 'publishEvent', eventType: 'interview.reschedule_requested', interview: { interviewId: 'i1', requestId: 'r1' } }));
    expect(asked).toContainEqual(expect.objectContaining({ type: 'alertRecruiter', reason: 'reschedule-requested' }));
    expect(reminderTimes(driver)).toEqual([]);
    expect(driver.state.scheduled.some((m) => m.purpose === 'interview-update')).toBe(false);
    // The promise still runs: the journey wakes for its next message (the status update) though the interview waits.
    expect(nextWakeUp(driver.state)).toBeDefined();

    const moved = driver.send({ kind: 'slot-chosen', interviewId: 'i1', slotId: 's2', start: friday11, end: friday11 + HOUR }, MONDAY_10 + 3 * HOUR);
    expect(delivers(moved).map((d) => d.purpose)).toEqual(['interview-rescheduled']);
    expect(reminderTimes(driver)).toEqual([friday11 - DAY, friday11 - 2 * HOUR]);
    // The reminders go at the new time only.
    driver.advance(friday11 + 2 * DAY);
    const reminders = driver.deliveries().filter((d) => d.command.purpose === 'interview-reminder').map((d) => d.at);
    expect(reminders).toEqual([friday11 - DAY, friday11 - 2 * HOUR]);
  });

  it('closes the journey as withdrawn when the candidate withdraws, once, with the closing message and the event for the ATS', () => {
    const driver = started();
    driver.send({ kind: 'slot-chosen', interviewId: 'i1', slotId: 's1', start: thursday14, end: thursday14 + HOUR }, MONDAY_10 + HOUR);
    const withdrawn = driver.send({ kind: 'withdrawn' }, MONDAY_10 + 2 * HOUR);
    expect(withdrawn).toContainEqual(expect.objectContaining({ type: 'publishEvent', eventType: 'candidate.withdrew' }));
    expect(delivers(withdrawn).map((d) => [d.template, d.purpose])).toEqual([['withdrawn.closing', 'closing']]);
    expect(driver.state.status).toBe('closing');
    expect(driver.state.outcome).toBe('withdrawn');
    expect(reminderTimes(driver)).toEqual([]);
    // Again, or a slot booked late: nothing more.
    expect(driver.send({ kind: 'withdrawn' }, MONDAY_10 + 3 * HOUR)).toEqual([]);
    expect(delivers(driver.send({ kind: 'slot-chosen', interviewId: 'i1', slotId: 's2', start: friday11, end: friday11 + HOUR }, MONDAY_10 + 4 * HOUR))).toEqual([]);
  });
});

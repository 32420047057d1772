import { addBusinessHours, answerDueAt, makeCalendar, nextWakeUp } from '../../../workflows/engine';
import { Driver, HOUR, delivers, minimalRaw, mustValidate, utc } from './fixtures';

const TZ = 'Europe/Stockholm';
const definition = mustValidate({ ...minimalRaw(), defaultTimeZone: TZ, holidays: ['2025-03-10'] });
const calendar = makeCalendar(TZ, definition);
const MONDAY_10 = utc('2025-03-03T09:00'); // Monday 10:00 in Stockholm

describe('answerWithin: business hours of the company calendar', () => {
  it('counts only 09:00-17:00 on business days, skipping weekends and holidays', () => {
    expect(addBusinessHours(MONDAY_10, 4, calendar)).toBe(utc('2025-03-03T13:00'));
    expect(addBusinessHours(MONDAY_10, 8, calendar)).toBe(utc('2025-03-04T09:00')); // 7 h Monday, 1 h Tuesday
    // Friday 16:00 + 16 h: Friday 1 h, Monday the 10th a holiday, Tuesday 8 h, Wednesday 7 h → Wednesday 16:00.
    expect(addBusinessHours(utc('2025-03-07T15:00'), 16, calendar)).toBe(utc('2025-03-12T15:00'));
    // Asked on a Saturday night: the clock starts on Monday morning.
    expect(addBusinessHours(utc('2025-03-01T21:00'), 2, calendar)).toBe(utc('2025-03-03T10:00'));
  });

  it('defaults to 16 business hours, and a definition may set its own', () => {
    expect(answerDueAt(definition, MONDAY_10)).toBe(utc('2025-03-05T09:00'));
    expect(answerDueAt({ ...definition, answerWithin: 2 }, MONDAY_10)).toBe(utc('2025-03-03T11:00'));
    expect(mustValidate({ ...minimalRaw(), answerWithin: 24 }).answerWithin).toBe(24);
    expect(() => mustValidate({ ...minimalRaw(), answerWithin: 0 })).toThrow(/answerWithin/);
  });
});

describe('decide: questions wait for the recruiter', () => {
  const started = () => {
    const driver = new Driver(definition, { timeZone: TZ });
    driver.ats({ type: 'ats.application.created' }, MONDAY_10);
    return driver;
  };

  it('alerts once when a question is unanswered at answerBy, and sends the answer once on the channel asked on', () => {
    const driver = started();
    const answerBy = MONDAY_10 + 3 * HOUR;
    const asked = driver.send({ kind: 'question', questionId: 'q1', source: 'sms', answerBy }, MONDAY_10 + HOUR);
    expect(asked).toContainEqual(expect.objectContaining({ type: 'publishEvent', eventType: 'candidate.replied', channel: 'sms' }));
    expect(driver.state.timeline.at(-1)).toMatchObject({ type: 'question.asked', questionId: 'q1', channel: 'sms', dueAt: answerBy });
    expect(nextWakeUp(driver.state)).toBe(answerBy);
    const alerts = driver.advance(answerBy + HOUR).filter((c) => c.type === 'alertRecruiter');
    expect(alerts).toEqual([expect.objectContaining({ reason: 'unanswered-question' })]);
    expect(driver.advance(answerBy + 48 * HOUR).filter((c) => c.type === 'alertRecruiter' && c.reason === 'unanswered-question')).toEqual([]);

    const answered = driver.send({ kind: 'answered', questionId: 'q1' }, answerBy + 49 * HOUR);
    expect(delivers(answered)).toEqual([expect.objectContaining({ template: 'recruiter.answer', purpose: 'answer', channels: ['sms', 'email'], questionId: 'q1' })]);
    expect(driver.state.questions).toEqual([]);
    expect(delivers(driver.send({ kind: 'answered', questionId: 'q1' }, answerBy + 50 * HOUR))).toEqual([]);
  });

  it('an answer before answerBy stops the alert; an e-mailed question gets an e-mail saying who has it', () => {
    const driver = started();
    const asked = driver.send({ kind: 'question', questionId: 'q2', source: 'email', answerBy: MONDAY_10 + 5 * HOUR }, MONDAY_10 + HOUR);
    expect(delivers(asked)).toEqual([expect.objectContaining({ template: 'question.received', channels: ['email', 'sms'], questionId: 'q2' })]);
    driver.send({ kind: 'answered', questionId: 'q2' }, MONDAY_10 + 2 * HOUR);
    expect(driver.advance(MONDAY_10 + 30 * HOUR).filter((c) => c.type === 'alertRecruiter')).toEqual([]);
  });

  it('a journey never asked a question wakes as before (no question fields in its state)', () => {
    const driver = started();
    expect(driver.state.questions).toBeUndefined();
    expect(nextWakeUp(driver.state)).toBe(utc('2025-03-11T09:00'));
  });
});

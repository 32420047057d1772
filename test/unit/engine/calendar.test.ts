import {
  addBusinessDays,
  businessDaysBetween,
  deferOutOfQuietHours,
  isBusinessDay,
  isQuietTime,
  latestAllowedAtOrBefore,
  makeCalendar,
  nextBusinessMorning,
} from '../../../workflows/engine/calendar';
import { toLocal } from '../../../workflows/engine/time-zone';
import { DAY, HOUR, utc } from './fixtures';

const settings = {
  quietHours: { start: '21:00', end: '08:00' },
  businessDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  holidays: ['2025-04-18', '2025-04-21', '2025-12-24', '2025-12-25', '2025-12-26'],
  businessMorning: '09:00',
};
const stockholm = makeCalendar('Europe/Stockholm', settings);
const local = (t: number, tz = 'Europe/Stockholm') => {
  const l = toLocal(t, tz);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')} ${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
};

describe('quiet hours across midnight', () => {
  it('knows which local times are quiet', () => {
    expect(isQuietTime(utc('2025-01-15T19:59'), stockholm)).toBe(false); // 20:59 local
    expect(isQuietTime(utc('2025-01-15T20:00'), stockholm)).toBe(true); // 21:00 local
    expect(isQuietTime(utc('2025-01-15T23:30'), stockholm)).toBe(true); // 00:30 local
    expect(isQuietTime(utc('2025-01-16T06:59'), stockholm)).toBe(true); // 07:59 local
    expect(isQuietTime(utc('2025-01-16T07:00'), stockholm)).toBe(false); // 08:00 local
  });

  it('defers a late-evening time to the next morning and an early-morning time to the same morning', () => {
    expect(local(deferOutOfQuietHours(utc('2025-01-15T21:30'), stockholm))).toBe('2025-01-16 08:00');
    expect(local(deferOutOfQuietHours(utc('2025-01-16T02:00'), stockholm))).toBe('2025-01-16 08:00');
    const allowed = utc('2025-01-16T10:00');
    expect(deferOutOfQuietHours(allowed, stockholm)).toBe(allowed);
  });

  it('never drops a time: deferral lands later, outside quiet hours, within one night', () => {
    for (let t = utc('2025-03-29T00:00'); t < utc('2025-04-01T00:00'); t += 17 * 60_000) {
      const deferred = deferOutOfQuietHours(t, stockholm);
      expect(deferred).toBeGreaterThanOrEqual(t);
      expect(deferred - t).toBeLessThanOrEqual(11 * HOUR);
      expect(isQuietTime(deferred, stockholm)).toBe(false);
    }
  });

  it('handles a daytime window that does not cross midnight', () => {
    const siesta = makeCalendar('Europe/Madrid', { ...settings, quietHours: { start: '14:00', end: '16:30' } });
    expect(local(deferOutOfQuietHours(utc('2025-06-02T13:00'), siesta), 'Europe/Madrid')).toBe('2025-06-02 16:30');
    expect(isQuietTime(utc('2025-06-02T15:00'), siesta)).toBe(false); // 17:00 local
  });

  it('moves a reminder in quiet hours earlier, to just before the window began', () => {
    expect(local(latestAllowedAtOrBefore(utc('2025-01-16T05:00'), stockholm))).toBe('2025-01-15 20:59');
    expect(local(latestAllowedAtOrBefore(utc('2025-01-15T21:00'), stockholm))).toBe('2025-01-15 20:59');
  });

  it('ends the window at 08:00 local on the night clocks go forward and back', () => {
    // Stockholm: spring forward 2025-03-30, fall back 2025-10-26; 08:00 is 06:00Z in summer and 07:00Z in winter.
    expect(deferOutOfQuietHours(utc('2025-03-29T22:00'), stockholm)).toBe(utc('2025-03-30T06:00'));
    expect(deferOutOfQuietHours(utc('2025-10-25T22:00'), stockholm)).toBe(utc('2025-10-26T07:00'));
  });
});

describe('business days', () => {
  it('skips weekends and holidays', () => {
    expect(isBusinessDay(utc('2025-04-17T10:00'), stockholm)).toBe(true); // Thursday
    expect(isBusinessDay(utc('2025-04-18T10:00'), stockholm)).toBe(false); // Good Friday
    expect(isBusinessDay(utc('2025-04-19T10:00'), stockholm)).toBe(false); // Saturday
    // Easter: Thursday + 1 business day is Tuesday (Good Friday, weekend, Easter Monday skipped).
    expect(local(addBusinessDays(utc('2025-04-17T08:00'), 1, stockholm))).toBe('2025-04-22 10:00');
    // Christmas: Tuesday 23rd + 2 is Tuesday 30th (24th-26th holidays, weekend, Monday 29th is the first).
    expect(local(addBusinessDays(utc('2025-12-23T08:00'), 2, stockholm))).toBe('2025-12-30 09:00');
  });

  it('counts from the next day, so a weekend start lands on business days', () => {
    expect(local(addBusinessDays(utc('2025-01-18T10:00'), 1, stockholm))).toBe('2025-01-20 11:00'); // Sat → Mon
    expect(local(addBusinessDays(utc('2025-01-17T10:00'), 5, stockholm))).toBe('2025-01-24 11:00'); // Fri → Fri
  });

  it('keeps local wall time across a DST change', () => {
    // Friday 28 March 10:00 CET + 1 business day is Monday 31 March 10:00 CEST: 71 hours, not 72.
    const friday = utc('2025-03-28T09:00');
    const monday = addBusinessDays(friday, 1, stockholm);
    expect(local(monday)).toBe('2025-03-31 10:00');
    expect(monday - friday).toBe(71 * HOUR);
  });

  it('measures whole business days between instants, consistent with adding them', () => {
    const from = utc('2025-04-16T09:00');
    expect(businessDaysBetween(from, addBusinessDays(from, 3, stockholm), stockholm)).toBe(3);
    expect(businessDaysBetween(from, addBusinessDays(from, 3, stockholm) - 1, stockholm)).toBe(2);
    expect(businessDaysBetween(from, from + 6 * DAY, stockholm)).toBe(2); // Easter eats four days
    expect(businessDaysBetween(from, from, stockholm)).toBe(0);
  });

  it('finds the next business morning, skipping evenings, weekends and holidays', () => {
    expect(local(nextBusinessMorning(utc('2025-04-17T15:00'), stockholm))).toBe('2025-04-22 09:00'); // Thu 17:00 → Tue
    expect(local(nextBusinessMorning(utc('2025-01-14T06:00'), stockholm))).toBe('2025-01-14 09:00'); // Tue 07:00 → same morning
    expect(local(nextBusinessMorning(utc('2025-01-14T08:00'), stockholm))).toBe('2025-01-14 09:00'); // exactly 09:00
    expect(local(nextBusinessMorning(utc('2025-01-14T08:01'), stockholm))).toBe('2025-01-15 09:00');
  });

  it('follows the candidate, not the server: a Sydney Monday starts on Sunday in UTC', () => {
    const sydney = makeCalendar('Australia/Sydney', settings);
    // 2025-01-19T22:00Z is Monday 09:00 in Sydney and Sunday 23:00 in Stockholm.
    expect(isBusinessDay(utc('2025-01-19T22:00'), sydney)).toBe(true);
    expect(isBusinessDay(utc('2025-01-19T22:00'), stockholm)).toBe(false);
  });
});

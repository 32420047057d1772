import { formatLocal, fromLocal, isValidTimeZone, offsetAt, toLocal } from '../../../workflows/engine/time-zone';
import { HOUR, utc } from './fixtures';

describe('time zones with Intl only', () => {
  it('reads local wall time, including half-hour and 45-minute offsets', () => {
    const t = utc('2025-01-15T12:00');
    expect(toLocal(t, 'Europe/Stockholm')).toMatchObject({ year: 2025, month: 1, day: 15, hour: 13, minute: 0, weekday: 3 });
    expect(toLocal(t, 'Asia/Kolkata')).toMatchObject({ hour: 17, minute: 30 });
    expect(toLocal(t, 'Asia/Kathmandu')).toMatchObject({ hour: 17, minute: 45 });
    expect(toLocal(t, 'America/Los_Angeles')).toMatchObject({ day: 15, hour: 4 });
  });

  it('knows summer and winter offsets', () => {
    expect(offsetAt(utc('2025-01-15T12:00'), 'Europe/Stockholm')).toBe(1 * HOUR);
    expect(offsetAt(utc('2025-07-15T12:00'), 'Europe/Stockholm')).toBe(2 * HOUR);
    expect(offsetAt(utc('2025-07-15T12:00'), 'Australia/Sydney')).toBe(10 * HOUR);
    expect(offsetAt(utc('2025-01-15T12:00'), 'Australia/Sydney')).toBe(11 * HOUR);
  });

  it('converts wall time to instants on ordinary days', () => {
    expect(fromLocal('Europe/Stockholm', { year: 2025, month: 7, day: 1 }, 9 * 60)).toBe(utc('2025-07-01T07:00'));
    expect(fromLocal('America/New_York', { year: 2025, month: 1, day: 1 }, 0)).toBe(utc('2025-01-01T05:00'));
  });

  it('moves a wall time skipped by spring-forward later by the gap', () => {
    // Stockholm skips 02:00–03:00 on 2025-03-30: 02:30 does not exist and becomes 03:30 CEST.
    const t = fromLocal('Europe/Stockholm', { year: 2025, month: 3, day: 30 }, 2 * 60 + 30);
    expect(t).toBe(utc('2025-03-30T01:30'));
    expect(toLocal(t, 'Europe/Stockholm')).toMatchObject({ hour: 3, minute: 30 });
  });

  it('takes the first occurrence of a wall time repeated by fall-back', () => {
    // New York repeats 01:00–02:00 on 2025-11-02: 01:30 EDT (05:30Z) comes before 01:30 EST (06:30Z).
    expect(fromLocal('America/New_York', { year: 2025, month: 11, day: 2 }, 90)).toBe(utc('2025-11-02T05:30'));
  });

  it('rejects unknown zones and formats deterministically', () => {
    expect(isValidTimeZone('Europe/Stockholm')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(formatLocal(utc('2025-03-03T08:00'), 'Europe/Stockholm')).toBe('Mon 2025-03-03 09:00 (Europe/Stockholm)');
  });
});

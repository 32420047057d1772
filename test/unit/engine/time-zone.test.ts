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

  describe('the offsets cached per hour read the same as Intl itself', () => {
    /** One Intl formatter per zone (building one costs far more than a reading: the scan below reads Intl ~500,000 times). */
    const formatters = new Map<string, Intl.DateTimeFormat>();
    const formatter = (timeZone: string) => {
      let f = formatters.get(timeZone);
      if (!f) {
        f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
        formatters.set(timeZone, f);
      }
      return f;
    };
    /** The oracle: Intl's own reading of an instant, no reading cached. */
    const intl = (t: number, timeZone: string) => {
      const parts = Object.fromEntries(
        formatter(timeZone)
          .formatToParts(t)
          .map((p) => [p.type, p.value]),
      );
      const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!) + 1;
      return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second), weekday };
    };
    // Zones with half- and quarter-hour offsets, a 30-minute DST (Lord Howe), southern-hemisphere DST, DST suspended for
    // Ramadan (Casablanca), zones that changed their standard offset, and ones without DST.
    const zones = ['Europe/Stockholm', 'America/New_York', 'America/Los_Angeles', 'Australia/Lord_Howe', 'Australia/Sydney', 'Asia/Kathmandu', 'Pacific/Chatham', 'Africa/Casablanca', 'America/Santiago', 'Asia/Tehran', 'America/St_Johns', 'Europe/Volgograd', 'Asia/Kolkata', 'UTC', 'Pacific/Apia'];
    /** A small deterministic generator, so a failure names a reproducible instant. */
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

    it('at random instants from 1970 to 2100, to the millisecond', () => {
      for (const zone of zones) {
        for (let i = 0; i < 400; i++) {
          const t = Math.floor(random() * 4_102_444_800_000);
          expect({ zone, t, local: toLocal(t, zone) }).toEqual({ zone, t, local: intl(t, zone) });
        }
      }
    });

    it('at every second around each offset change of 2020-2030, and in the hours either side', () => {
      let transitions = 0;
      for (const zone of zones) {
        const offset = (t: number) => {
          const l = intl(t, zone);
          return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - (t - (t % 1000));
        };
        let before = offset(utc('2020-01-01T00:00'));
        for (let t = utc('2020-01-01T00:00'); t < utc('2031-01-01T00:00'); t += 6 * HOUR) {
          const after = offset(t + 6 * HOUR);
          const changed = after !== before;
          before = after;
          if (!changed) continue;
          // The change lies between t and t + 6 h: find its second.
          let lo = t;
          let hi = t + 6 * HOUR;
          while (hi - lo > 1000) {
            const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
            if (offset(mid) === offset(lo)) lo = mid;
            else hi = mid;
          }
          transitions++;
          const around = [-2 * HOUR, -HOUR, -HOUR + 1000, -60_000, -1001, -1000, -1, 0, 1, 999, 1000, 60_000, HOUR - 1000, HOUR, 2 * HOUR];
          // In random order, so the hour's cache entry is filled from either side of the change.
          for (const d of around.sort(() => random() - 0.5)) {
            const at = hi + d;
            expect({ zone, at, local: toLocal(at, zone), offset: offsetAt(at, zone) }).toEqual({ zone, at, local: intl(at, zone), offset: offset(at) });
          }
        }
      }
      // Eleven years of changes in the zones that have them (a failure here means the scan found none).
      expect(transitions).toBeGreaterThan(100);
    });
  });
});

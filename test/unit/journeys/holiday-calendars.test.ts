import { loadDefaultJourneys } from '../../../core/journeys/default-journeys';
import { calendarHolidays, holidayCalendarProblems, resolveHolidays } from '../../../core/journeys/holidays';
import { holidaysNeedRefresh, isBusinessDay, makeCalendar } from '../../../workflows/engine/calendar';
import { validateDefinition, type JourneyDefinition } from '../../../workflows/engine/definition';
import { minimalRaw } from '../engine/fixtures';

const noonUtc = (date: string) => Date.parse(`${date}T12:00:00Z`);

/** A minimal definition with `holidays`, resolved as a journey started at `now` would be. */
function resolvedAt(holidays: unknown, now: number): JourneyDefinition {
  const result = validateDefinition({ ...minimalRaw(), holidays });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return resolveHolidays(result.definition, now);
}

const businessDay = (definition: JourneyDefinition, timeZone: string, date: string) => isBusinessDay(noonUtc(date), makeCalendar(timeZone, definition));

describe('holiday calendars resolved from date-holidays', () => {
  it('makes Swedish public and bank holidays of 2028 and 2031 non-business days', () => {
    const from2028 = resolvedAt({ calendar: 'SE' }, noonUtc('2028-01-10'));
    expect(from2028.holidays).toMatchObject({ calendar: 'SE', resolved: { calendar: 'SE', from: 2028, to: 2030 } });
    // Christmas Eve falls on a Sunday in 2028: Christmas Day (Mon), Boxing Day (Tue); Midsummer Eve (Fri 23 June), Ascension (Thu 25 May).
    for (const date of ['2028-12-25', '2028-12-26', '2028-06-23', '2028-05-25', '2028-04-14', '2028-04-17', '2028-01-06', '2028-05-01', '2028-06-06']) {
      expect([date, businessDay(from2028, 'Europe/Stockholm', date)]).toEqual([date, false]);
    }
    expect(businessDay(from2028, 'Europe/Stockholm', '2028-12-27')).toBe(true);
    expect(businessDay(from2028, 'Europe/Stockholm', '2028-06-22')).toBe(true);

    const from2029 = resolvedAt({ calendar: 'SE' }, noonUtc('2029-03-01'));
    // 2031: Christmas Eve, Christmas and Boxing Day are Wednesday to Friday; New Year's Eve a Wednesday; Midsummer Eve 20 June.
    for (const date of ['2031-12-24', '2031-12-25', '2031-12-26', '2031-12-31', '2031-06-20', '2031-04-11', '2031-04-14', '2031-05-22']) {
      expect([date, businessDay(from2029, 'Europe/Stockholm', date)]).toEqual([date, false]);
    }
    expect(businessDay(from2029, 'Europe/Stockholm', '2031-12-29')).toBe(true);
  });

  it('makes England-and-Wales bank holidays of 2028 and 2031 non-business days, substitute days included', () => {
    const from2028 = resolvedAt({ calendar: 'GB-ENG' }, noonUtc('2028-02-01'));
    // 2028: Good Friday 14 April, Easter Monday 17 April, early May 1 May, spring 29 May, summer 28 August, Christmas Mon 25 and Tue 26 December.
    for (const date of ['2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26']) {
      expect([date, businessDay(from2028, 'Europe/London', date)]).toEqual([date, false]);
    }
    // Not a holiday in England (only in Scotland): 2 January.
    expect(businessDay(from2028, 'Europe/London', '2028-01-04')).toBe(true);

    const from2029 = resolvedAt({ calendar: 'GB-ENG' }, noonUtc('2029-06-01'));
    for (const date of ['2031-01-01', '2031-04-11', '2031-04-14', '2031-05-05', '2031-05-26', '2031-08-25', '2031-12-25', '2031-12-26']) {
      expect([date, businessDay(from2029, 'Europe/London', date)]).toEqual([date, false]);
    }
  });

  it('counts only public and bank holidays: observances stay business days', () => {
    // Valborgsmässoafton (30 April) and Alla helgons afton are observances in Sweden, not days off.
    expect(calendarHolidays('SE', 2029)).not.toContain('2029-04-30');
    expect(calendarHolidays('SE', 2028)).toEqual(expect.arrayContaining(['2028-12-24', '2028-12-25', '2028-12-26', '2028-12-31', '2028-06-23']));
  });

  it('adds the extra dates to the calendar and keeps the list form as it was', () => {
    const withExtra = resolvedAt({ calendar: 'SE', extra: ['2028-06-02'] }, noonUtc('2028-01-10'));
    expect(businessDay(withExtra, 'Europe/Stockholm', '2028-06-02')).toBe(false);
    expect(businessDay(withExtra, 'Europe/Stockholm', '2028-12-25')).toBe(false);

    // The list form (journeys written before calendars, and their running snapshots) is used as it is and never resolved.
    const listed = resolvedAt(['2028-06-02'], noonUtc('2028-01-10'));
    expect(listed.holidays).toEqual(['2028-06-02']);
    expect(businessDay(listed, 'Europe/Stockholm', '2028-06-02')).toBe(false);
    expect(businessDay(listed, 'Europe/Stockholm', '2028-12-25')).toBe(true);
  });

  it('asks a rolling-over journey to refresh its calendar once next year is no longer resolved', () => {
    const definition = resolvedAt({ calendar: 'SE' }, noonUtc('2028-01-10'));
    expect(holidaysNeedRefresh(definition.holidays, noonUtc('2029-12-31'))).toBe(false);
    expect(holidaysNeedRefresh(definition.holidays, noonUtc('2030-01-01'))).toBe(true);
    expect(holidaysNeedRefresh(['2028-12-25'], noonUtc('2040-01-01'))).toBe(false);
    const refreshed = resolveHolidays(definition, noonUtc('2030-01-01'));
    expect(refreshed.holidays).toMatchObject({ resolved: { from: 2030, to: 2032 } });
    expect(businessDay(refreshed, 'Europe/Stockholm', '2032-12-24')).toBe(false);
    // Already covering the years ahead: the snapshot stays as it is.
    expect(resolveHolidays(definition, noonUtc('2028-06-01'))).toBe(definition);
  });

  it('rejects a calendar the library does not know, naming the regions it has', () => {
    const problems = (calendar: string) => holidayCalendarProblems({ holidays: { calendar, extra: [] } });
    expect(problems('SE')).toEqual([]);
    expect(problems('GB-ENG')).toEqual([]);
    expect(problems('DE-BY')).toEqual([]);
    expect(problems('XX')).toEqual([{ path: 'holidays.calendar', message: expect.stringContaining('no country "XX"') }]);
    expect(problems('GB-XYZ')).toEqual([{ path: 'holidays.calendar', message: expect.stringContaining('ENG') }]);
  });

  it('resolves the shipped default journeys from their named calendars', () => {
    const journeys = loadDefaultJourneys(undefined, noonUtc('2028-03-01'));
    const sv = journeys.get('sv')!.definition;
    const en = journeys.get('en')!.definition;
    expect(sv.holidays).toMatchObject({ calendar: 'SE' });
    expect(en.holidays).toMatchObject({ calendar: 'GB-ENG' });
    // Christmas 2028 is not a business day in either.
    expect(businessDay(sv, 'Europe/Stockholm', '2028-12-25')).toBe(false);
    expect(businessDay(en, 'Europe/London', '2028-12-25')).toBe(false);
  });
});

import Holidays from 'date-holidays';
import type { DefinitionError, HolidaySettings, JourneyDefinition } from '../../workflows/engine/definition';

/**
 * Holiday calendars, resolved outside the workflow bundle. A definition may name a calendar
 * (`holidays: { calendar: SE }`, `{ calendar: GB-ENG }`) instead of listing dates; this module turns that
 * name into dates with the `date-holidays` library and writes them into the journey's definition snapshot
 * (`holidays.resolved`), so the deterministic engine only ever reads dates and a library update never
 * changes a running journey's past decisions.
 *
 * What counts as a holiday: the library's `public` and `bank` days (statutory days off, and days banks and
 * most offices close, such as Swedish Christmas, Midsummer and New Year's Eves). `optional`, `school` and
 * `observance` days are ordinary business days; a company's own days off go in `holidays.extra`.
 */

/** The library's holiday types that count as days off. */
export const HOLIDAY_TYPES: ReadonlySet<string> = new Set(['public', 'bank']);

/** Years resolved after the current one: a journey started now has its holidays for at least two more years. */
export const HOLIDAY_YEARS_AHEAD = 2;

const library = new Holidays();
const cache = new Map<string, string[]>();

/** Splits "GB-ENG" into the library's country, state and region. */
function parts(code: string): [string, string | undefined, string | undefined] {
  const [country, state, region] = code.split('-');
  return [country!, state, region];
}

/** Why a calendar code is not one the library knows, or undefined when it is. */
export function unknownCalendar(code: string): string | undefined {
  const [country, state, region] = parts(code);
  if (!library.getCountries()[country]) return `unknown holiday calendar "${code}": no country "${country}" (use an ISO 3166 code like "SE" or "GB")`;
  if (state === undefined) return undefined;
  const states = library.getStates(country) ?? {};
  if (!states[state]) {
    const known = Object.keys(states);
    return `unknown holiday calendar "${code}": ${country} has ${known.length === 0 ? 'no regions' : `regions ${known.join(', ')}`}`;
  }
  if (region === undefined) return undefined;
  const regions = library.getRegions(country, state) ?? {};
  if (!regions[region]) return `unknown holiday calendar "${code}": ${country}-${state} has ${Object.keys(regions).length === 0 ? 'no sub-regions' : `sub-regions ${Object.keys(regions).join(', ')}`}`;
  return undefined;
}

/** A definition's holiday calendar problems (a calendar the library does not know), with their paths. */
export function holidayCalendarProblems(definition: Pick<JourneyDefinition, 'holidays'>): DefinitionError[] {
  const holidays = definition.holidays;
  if (Array.isArray(holidays) || !holidays.calendar) return [];
  const problem = unknownCalendar(holidays.calendar);
  return problem ? [{ path: 'holidays.calendar', message: problem }] : [];
}

/** The public and bank holidays of one calendar in one year, as local "YYYY-MM-DD" dates. */
export function calendarHolidays(code: string, year: number): string[] {
  const key = `${code}:${year}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const problem = unknownCalendar(code);
  if (problem) throw new Error(problem);
  const [country, state, region] = parts(code);
  const calendar = region !== undefined ? new Holidays(country, state!, region) : state !== undefined ? new Holidays(country, state) : new Holidays(country);
  const dates = [
    ...new Set(
      (calendar.getHolidays(year) || [])
        .filter((h) => HOLIDAY_TYPES.has(h.type))
        // The library's `date` is local to the calendar ("2028-12-25 00:00:00"); substitute days come as their own entries.
        .map((h) => h.date.slice(0, 10))
        .filter((date) => date.startsWith(`${year}-`)),
    ),
  ].sort();
  cache.set(key, dates);
  return dates;
}

/** The years a journey starting (or rolling over) at `now` can span: this year and HOLIDAY_YEARS_AHEAD more. */
export function holidayYears(now: number): { from: number; to: number } {
  const from = new Date(now).getUTCFullYear();
  return { from, to: from + HOLIDAY_YEARS_AHEAD };
}

/** True when a definition names a calendar whose resolved dates do not cover the years from `now`. */
export function holidaysNeedResolving(holidays: HolidaySettings, now: number): boolean {
  if (Array.isArray(holidays) || !holidays.calendar) return false;
  const { from, to } = holidayYears(now);
  const resolved = holidays.resolved;
  return !resolved || resolved.calendar !== holidays.calendar || resolved.from > from || resolved.to < to;
}

/** Holiday settings with a named calendar resolved for the years from `now`; list forms are returned as they are. */
export function resolveHolidaySettings(holidays: HolidaySettings, now: number): HolidaySettings {
  if (Array.isArray(holidays)) return holidays;
  if (!holidays.calendar) {
    const { resolved: _stale, ...rest } = holidays;
    return rest;
  }
  if (!holidaysNeedResolving(holidays, now)) return holidays;
  const { from, to } = holidayYears(now);
  const dates: string[] = [];
  for (let year = from; year <= to; year++) dates.push(...calendarHolidays(holidays.calendar, year));
  return { ...holidays, resolved: { calendar: holidays.calendar, from, to, dates } };
}

/** A definition whose holiday calendar is resolved for the years a journey from `now` can span (a copy when it changed). */
export function resolveHolidays<T extends Pick<JourneyDefinition, 'holidays'>>(definition: T, now: number): T {
  const holidays = resolveHolidaySettings(definition.holidays, now);
  return holidays === definition.holidays ? definition : { ...definition, holidays };
}

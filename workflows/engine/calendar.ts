/**
 * The candidate's calendar: quiet hours in their local time, business days with holidays, and the
 * "next business morning". Every function is pure over (instant, calendar); instants are epoch ms.
 */
import { addDays, fromLocal, isoDate, isoWeekday, toLocal, type LocalDate, type LocalTime } from './time-zone';

/** What the engine needs to place a message in one candidate's time. */
export interface Calendar {
  timeZone: string;
  /** Quiet hours as minutes of the local day; start > end means the window crosses midnight. */
  quiet?: { start: number; end: number };
  /** ISO weekdays (1 = Monday … 7 = Sunday) that are business days. */
  businessDays: ReadonlySet<number>;
  /** Holidays as local "YYYY-MM-DD" dates. */
  holidays: ReadonlySet<string>;
  /** When a business morning starts, as a minute of the local day. */
  businessMorning: number;
}

/**
 * Holidays as a definition holds them: a list of dates (the original form), or a named calendar with extra
 * dates whose calendar dates were resolved outside the workflow (see definition.ts `HolidaySettings`).
 */
export type HolidaySettingsInput =
  | readonly string[]
  | { calendar?: string; extra?: readonly string[]; resolved?: { calendar: string; from: number; to: number; dates: readonly string[] } };

/**
 * True when holidays name a calendar whose resolved dates end before next year: a journey rolling over then
 * asks for them again (resolution happens outside the workflow; this only reads the snapshot).
 */
export function holidaysNeedRefresh(holidays: HolidaySettingsInput | undefined, now: number): boolean {
  if (!holidays || Array.isArray(holidays)) return false;
  const named = holidays as Exclude<HolidaySettingsInput, readonly string[]>;
  if (!named.calendar) return false;
  return !named.resolved || named.resolved.calendar !== named.calendar || named.resolved.to < new Date(now).getUTCFullYear() + 1;
}

/** Calendar settings as a journey definition writes them. */
export interface CalendarSettings {
  quietHours?: { start: string; end: string };
  businessDays: readonly string[];
  holidays: HolidaySettingsInput;
  businessMorning: string;
}

/** Every holiday date a definition's settings name: the list, or the extra dates plus the resolved calendar's. */
export function holidayDates(holidays: HolidaySettingsInput | undefined): string[] {
  if (!holidays) return [];
  if (Array.isArray(holidays)) return [...(holidays as readonly string[])];
  const named = holidays as Exclude<HolidaySettingsInput, readonly string[]>;
  return [...(named.extra ?? []), ...(named.resolved?.dates ?? [])];
}

/** Day names accepted in `businessDays`, in ISO order. */
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

// Guards loops over dates: a definition with holidays on every business day for ten years is not a calendar.
const MAX_DAYS_SCANNED = 3700;

/** Parses "HH:MM" into a minute of the day. */
export function clockMinutes(clock: string): number {
  const [hours, minutes] = clock.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** Builds a candidate's calendar from journey settings and their IANA time zone. */
export function makeCalendar(timeZone: string, settings: CalendarSettings): Calendar {
  const quiet = settings.quietHours
    ? { start: clockMinutes(settings.quietHours.start), end: clockMinutes(settings.quietHours.end) }
    : undefined;
  return {
    timeZone,
    quiet: quiet && quiet.start !== quiet.end ? quiet : undefined,
    businessDays: new Set(settings.businessDays.map((name) => WEEKDAY_NAMES.indexOf(name as (typeof WEEKDAY_NAMES)[number]) + 1)),
    holidays: new Set(holidayDates(settings.holidays)),
    businessMorning: clockMinutes(settings.businessMorning),
  };
}

/** Minutes since local midnight, with seconds as a fraction so 07:59:30 is still before 08:00. */
function minuteOfDay(local: { hour: number; minute: number; second: number }): number {
  return local.hour * 60 + local.minute + local.second / 60;
}

/** True when `minute` of a local day falls inside the quiet window. */
function quietAtMinute(minute: number, quiet: { start: number; end: number }): boolean {
  return quiet.start < quiet.end ? minute >= quiet.start && minute < quiet.end : minute >= quiet.start || minute < quiet.end;
}

/** True when instant `t` is inside the candidate's quiet hours. */
export function isQuietTime(t: number, calendar: Calendar): boolean {
  if (!calendar.quiet) return false;
  return quietAtMinute(minuteOfDay(toLocal(t, calendar.timeZone)), calendar.quiet);
}

/** Where instant `t` falls when it is inside quiet hours: the window, the local time and its minute of the day. */
function insideQuietHours(t: number, calendar: Calendar): { quiet: NonNullable<Calendar['quiet']>; local: LocalTime; minute: number } | undefined {
  const quiet = calendar.quiet;
  if (!quiet) return undefined;
  const local = toLocal(t, calendar.timeZone);
  const minute = minuteOfDay(local);
  return quietAtMinute(minute, quiet) ? { quiet, local, minute } : undefined;
}

/** Moves an instant inside quiet hours to the end of that quiet window; other instants are returned as they are. */
export function deferOutOfQuietHours(t: number, calendar: Calendar): number {
  const inside = insideQuietHours(t, calendar);
  if (!inside) return t;
  const { quiet, local, minute } = inside;
  // A window crossing midnight that we are in before midnight ends tomorrow.
  const endsTomorrow = quiet.start > quiet.end && minute >= quiet.start;
  const endDate = endsTomorrow ? addDays(local, 1) : local;
  return Math.max(t, fromLocal(calendar.timeZone, endDate, quiet.end));
}

/**
 * The latest allowed instant at or before `t`: inside quiet hours, one minute before the window began.
 * Reminders use it, because a reminder moved past quiet hours could land after the interview.
 */
export function latestAllowedAtOrBefore(t: number, calendar: Calendar): number {
  const inside = insideQuietHours(t, calendar);
  if (!inside) return t;
  const { quiet, local, minute } = inside;
  const startedYesterday = quiet.start > quiet.end && minute < quiet.end;
  const startDate = startedYesterday ? addDays(local, -1) : local;
  return Math.min(t, fromLocal(calendar.timeZone, startDate, quiet.start) - 60_000);
}

/** True when a local date is a business day: a business weekday that is not a holiday. */
export function isBusinessDate(date: LocalDate, calendar: Calendar): boolean {
  return calendar.businessDays.has(isoWeekday(date)) && !calendar.holidays.has(isoDate(date));
}

/** True when instant `t` falls on a local business day. */
export function isBusinessDay(t: number, calendar: Calendar): boolean {
  return isBusinessDate(toLocal(t, calendar.timeZone), calendar);
}

/**
 * The same local wall time `days` business days later: Friday 10:00 + 1 is Monday 10:00 (or Tuesday after
 * a Monday holiday). Counting starts from the next day, so a Saturday start + 1 is Monday.
 */
export function addBusinessDays(t: number, days: number, calendar: Calendar): number {
  if (days <= 0) return t;
  const local = toLocal(t, calendar.timeZone);
  const wallMinute = minuteOfDay(local) + (((t % 1000) + 1000) % 1000) / 60_000;
  let date: LocalDate = local;
  let counted = 0;
  for (let scanned = 0; counted < days; scanned++) {
    if (scanned > MAX_DAYS_SCANNED) throw new Error('calendar has no business days to count');
    date = addDays(date, 1);
    if (isBusinessDate(date, calendar)) counted++;
  }
  return fromLocal(calendar.timeZone, date, wallMinute);
}

/** Whole business days from `from` to `to`: the largest n with addBusinessDays(from, n) <= to. */
export function businessDaysBetween(from: number, to: number, calendar: Calendar): number {
  if (to <= from) return 0;
  const local = toLocal(from, calendar.timeZone);
  const wallMinute = minuteOfDay(local) + (((from % 1000) + 1000) % 1000) / 60_000;
  let date: LocalDate = local;
  let counted = 0;
  for (let scanned = 0; scanned <= MAX_DAYS_SCANNED; scanned++) {
    date = addDays(date, 1);
    if (!isBusinessDate(date, calendar)) continue;
    if (fromLocal(calendar.timeZone, date, wallMinute) > to) return counted;
    counted++;
  }
  return counted;
}

/**
 * The first business morning at or after `t` (09:00 on a business day by default), out of quiet hours.
 * A rejection decided at 16:00 on Friday lands at 09:00 on Monday, not in the middle of the weekend.
 */
export function nextBusinessMorning(t: number, calendar: Calendar): number {
  let date: LocalDate = toLocal(t, calendar.timeZone);
  for (let scanned = 0; scanned <= MAX_DAYS_SCANNED; scanned++, date = addDays(date, 1)) {
    if (!isBusinessDate(date, calendar)) continue;
    const morning = fromLocal(calendar.timeZone, date, calendar.businessMorning);
    if (morning >= t) return deferOutOfQuietHours(morning, calendar);
  }
  throw new Error('calendar has no business days');
}

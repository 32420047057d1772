/**
 * IANA time zones with nothing but `Intl.DateTimeFormat`: the answer depends only on the inputs (and the
 * runtime's time-zone data), so it is safe inside the Temporal workflow sandbox. Times are epoch ms.
 */

/** A wall-clock reading in some time zone. `weekday` is ISO: 1 = Monday … 7 = Sunday. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** A calendar date in a time zone, without a time of day. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Zone spellings kept (Intl also takes any mix of case, so input checks must not grow the map without bound). */
const FORMATTERS_KEPT = 1024;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size >= FORMATTERS_KEPT) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows `timeZone` as an IANA zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const HOUR_MS = 3_600_000;
/** Instants whose readings are cached: 1970 to 2100 (outside, every reading asks Intl). */
const CACHED_UNTIL = 4_102_444_800_000;
/** Hours kept per zone before that zone's cache starts over (a journey's decisions touch a few dozen). */
const HOURS_KEPT = 2048;
/**
 * Each zone's offset through whole UTC hours, read from Intl once per hour (at its first and its last second): NaN
 * for an hour that holds a transition, whose instants are always read from Intl. Offset changes happen at whole
 * seconds and never twice within an hour, so an hour whose two ends agree has one offset throughout. Reading the
 * time zone is most of the cost of calendar arithmetic (business days, quiet hours) and of the analytics report.
 */
const hourOffsets = new Map<string, Map<number, number>>();

/** The wall-clock reading of instant `t` in `timeZone`. */
export function toLocal(t: number, timeZone: string): LocalTime {
  const offset = t >= 0 && t < CACHED_UNTIL ? hourOffset(Math.floor(t / HOUR_MS), timeZone) : Number.NaN;
  if (Number.isNaN(offset)) return readLocal(t, timeZone);
  // Intl reads whole seconds; the offset is whole seconds too, so the wall clock is the UTC reading of t + offset.
  const wall = new Date(t + offset);
  const year = wall.getUTCFullYear();
  const month = wall.getUTCMonth() + 1;
  const day = wall.getUTCDate();
  return { year, month, day, hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(), weekday: wall.getUTCDay() || 7 };
}

function hourOffset(hour: number, timeZone: string): number {
  let zone = hourOffsets.get(timeZone);
  if (!zone) {
    zone = new Map();
    hourOffsets.set(timeZone, zone);
  }
  let offset = zone.get(hour);
  if (offset === undefined) {
    const first = hour * HOUR_MS;
    const last = first + HOUR_MS - 1000;
    const atFirst = offsetOfReading(readLocal(first, timeZone), first);
    offset = atFirst === offsetOfReading(readLocal(last, timeZone), last) ? atFirst : Number.NaN;
    if (zone.size >= HOURS_KEPT) zone.clear();
    zone.set(hour, offset);
  }
  return offset;
}

function offsetOfReading(local: LocalTime, t: number): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - (t - (((t % 1000) + 1000) % 1000));
}

/** The wall-clock reading of instant `t` in `timeZone`, from Intl. */
function readLocal(t: number, timeZone: string): LocalTime {
  const parts = formatterFor(timeZone).formatToParts(t);
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of parts) {
    switch (part.type) {
      case 'year': year = Number(part.value); break;
      case 'month': month = Number(part.value); break;
      case 'day': day = Number(part.value); break;
      case 'hour': hour = Number(part.value); break;
      case 'minute': minute = Number(part.value); break;
      case 'second': second = Number(part.value); break;
      default: break;
    }
  }
  return { year, month, day, hour, minute, second, weekday: isoWeekday({ year, month, day }) };
}

/** The zone's offset from UTC at instant `t`, in ms (Stockholm in summer: +7_200_000). */
export function offsetAt(t: number, timeZone: string): number {
  return offsetOfReading(toLocal(t, timeZone), t);
}

/**
 * The instant a wall-clock time happens in `timeZone`. DST is resolved the way people expect: a time
 * skipped by a spring-forward gap moves later by the gap (02:30 becomes 03:30), and a time that happens
 * twice in an autumn fold takes the first occurrence.
 */
export function fromLocal(timeZone: string, date: LocalDate, minuteOfDay: number): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * 60_000;
  // A zone changes offset at most once a day, so the offsets a day either side bracket any transition.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const early = wall - Math.max(before, after);
  const late = wall - Math.min(before, after);
  const earlyOk = offsetAt(early, timeZone) === Math.max(before, after);
  const lateOk = offsetAt(late, timeZone) === Math.min(before, after);
  if (earlyOk && lateOk) return Math.min(early, late);
  if (earlyOk) return early;
  if (lateOk) return late;
  // In a gap neither reading exists: keep the pre-transition offset, which lands after the gap.
  return wall - before;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
export function isoWeekday(date: LocalDate): number {
  const sundayZero = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return sundayZero === 0 ? 7 : sundayZero;
}

/** The calendar date `days` after `date` (negative goes back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** "YYYY-MM-DD" for a calendar date. */
export function isoDate(date: LocalDate): string {
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A readable local time, e.g. "Mon 2025-03-03 09:00 (Europe/Stockholm)"; deterministic, locale-free. */
export function formatLocal(t: number, timeZone: string): string {
  const local = toLocal(t, timeZone);
  return `${WEEKDAYS[local.weekday - 1]} ${isoDate(local)} ${pad(local.hour)}:${pad(local.minute)} (${timeZone})`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

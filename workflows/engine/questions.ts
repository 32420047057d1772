/**
 * Questions a candidate puts to a person (an SMS or e-mail reply, or the status page's form), and when the
 * recruiter owes an answer: `answerWithin` business hours of the company's calendar (the definition's business
 * days, holidays and default time zone; a business day's hours run BUSINESS_DAY_HOURS from its business morning).
 * Pure: the API tells the candidate the same "by when" the journey alerts on.
 */
import { isBusinessDate, makeCalendar, type Calendar, type CalendarSettings } from './calendar';
import { addDays, fromLocal, toLocal, type LocalDate } from './time-zone';

/** The template key of a recruiter's answer (the send path writes it from the stored answer, not a definition). */
export const ANSWER_TEMPLATE = 'recruiter.answer';

/** The template key of the e-mail that tells a candidate who has their e-mailed question and by when (written by the send path). */
export const QUESTION_RECEIVED_TEMPLATE = 'question.received';

/** Business hours a recruiter has to answer when the definition names none (two business days). */
export const DEFAULT_ANSWER_WITHIN_HOURS = 16;
/** The length of a business day's working hours, from its business morning. */
export const BUSINESS_DAY_HOURS = 8;

const HOUR_MS = 3_600_000;
const MAX_DAYS_SCANNED = 3700;

/** Where a question came from: a reply on a channel, or the status page's form. */
export type QuestionSource = 'email' | 'sms' | 'page';

/** A question the journey waits on a person to answer. Ids only: the text lives in the store (candidate_questions). */
export interface OpenQuestion {
  id: string;
  source: QuestionSource;
  askedAt: number;
  /** When the recruiter is alerted if nobody has answered. */
  answerBy: number;
  /** The alert went (once). */
  alerted?: boolean;
}

/**
 * `t` plus `hours` working hours: only the hours from the business morning to BUSINESS_DAY_HOURS after it, on business
 * days that are not holidays, count. Asked on Friday at 16:00 with 16 hours (09:00-17:00 days), due Tuesday 16:00.
 */
export function addBusinessHours(t: number, hours: number, calendar: Calendar): number {
  let remaining = hours * HOUR_MS;
  let date: LocalDate = toLocal(t, calendar.timeZone);
  for (let scanned = 0; scanned <= MAX_DAYS_SCANNED; scanned++, date = addDays(date, 1)) {
    if (!isBusinessDate(date, calendar)) continue;
    const start = fromLocal(calendar.timeZone, date, calendar.businessMorning);
    const end = start + BUSINESS_DAY_HOURS * HOUR_MS;
    if (t >= end) continue;
    const from = Math.max(t, start);
    if (remaining <= end - from) return from + remaining;
    remaining -= end - from;
  }
  throw new Error('calendar has no business days');
}

/** What answerDueAt reads of a definition (absent fields take the defaults). */
export interface AnswerSettings extends CalendarSettings {
  answerWithin?: number | undefined;
  defaultTimeZone?: string | undefined;
}

/** When a question asked at `askedAt` must have an answer under `definition`'s `answerWithin` and company calendar. */
export function answerDueAt(definition: AnswerSettings, askedAt: number): number {
  const calendar = makeCalendar(definition.defaultTimeZone ?? 'UTC', { ...definition, businessMorning: definition.businessMorning ?? '09:00' });
  return addBusinessHours(askedAt, definition.answerWithin ?? DEFAULT_ANSWER_WITHIN_HOURS, calendar);
}


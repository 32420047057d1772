/**
 * Journey definitions: what recruiters configure, as one zod schema (YAML and JSON forms parse to the
 * same object). `validateDefinition` is the boundary check: structure first, then whether the
 * definition can keep the promise at all.
 */
import { z } from 'zod';
import { WEEKDAY_NAMES } from './calendar';
import { parseDuration } from './duration';
import { promiseProblems } from './promise-checks';
import { isValidTimeZone } from './time-zone';
import { CHANNELS, STAGE_CATEGORIES, TEMPLATE_KEY_MESSAGE, TEMPLATE_KEY_PATTERN } from './vocabulary';

/** The stage categories every tenant's ATS stages map to. */
export const StageCategory = z.enum(STAGE_CATEGORIES);
/** One of the stage categories. */
export type StageCategory = z.infer<typeof StageCategory>;

/** Stage categories that end a journey. */
export const TERMINAL_STAGES = ['hired', 'rejected', 'withdrawn'] as const satisfies readonly StageCategory[];

/** A channel Candor can reach a candidate on. */
export const Channel = z.enum(CHANNELS);
/** One of the channels. */
export type Channel = z.infer<typeof Channel>;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour local time like "21:00"');
const duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, 'expected a duration like "30m", "2h", "1d", "1w", "1h30m" or "3bd" (business days)');
const fixedDuration = z
  .string()
  .refine((text) => parseDuration(text)?.kind === 'fixed', 'expected a clock duration like "30m", "2h" or "1d" (business days do not apply here)');
const locale = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'expected a locale like "en" or "sv-SE"');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date like "2025-12-25"')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), 'not a real calendar date');
const timeZone = z.string().refine(isValidTimeZone, 'expected an IANA time zone like "Europe/Stockholm"');

/**
 * A holiday calendar named by ISO country code, optionally with a region (ISO 3166-2 subdivision and, where
 * the library has them, a region below it): "SE", "GB-ENG", "US-CA", "DE-BY".
 */
export const HolidayCalendarCode = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,5}){0,2}$/, 'expected a country code like "SE", or a country and region like "GB-ENG"');

/**
 * Which days are holidays. The list form names every date by hand (journeys written before holiday calendars,
 * and their running snapshots, keep it). The object form names a calendar and extra dates (company days off);
 * Candor resolves the calendar into `resolved` outside the workflow, for the years a journey can span, when it
 * starts, rolls over or upgrades: the engine only ever reads dates.
 */
export const HolidaySettings = z.union([
  z.array(isoDate),
  z
    .object({
      calendar: HolidayCalendarCode.optional(),
      extra: z.array(isoDate).default([]),
      /** Filled in by Candor: the calendar's public holidays for years `from`..`to` (inclusive). */
      resolved: z
        .object({ calendar: HolidayCalendarCode, from: z.number().int(), to: z.number().int(), dates: z.array(isoDate) })
        .strict()
        .optional(),
    })
    .strict(),
], { error: 'expected a list of dates, or a calendar like { calendar: "SE", extra: ["2028-06-02"] }' });
/** Holiday settings, in either form. */
export type HolidaySettings = z.infer<typeof HolidaySettings>;

/** A template key such as "applied.ack": lowercase segments separated by dots. */
export const TemplateKey = z.string().regex(TEMPLATE_KEY_PATTERN, TEMPLATE_KEY_MESSAGE);

/** When a message goes after its trigger: a duration, or the next business morning. */
export const Delay = z.union([duration, z.object({ businessMorning: z.literal(true) }).strict()]);
/** A message delay. */
export type Delay = z.infer<typeof Delay>;

/**
 * Inline text for one locale, so the simulator and console can show the words; templates may override.
 * `subject` and `body` are the e-mail; `sms` is the short form sent when the channel is SMS (the body is
 * sent instead when a message has none, and validation warns about that).
 */
export const MessageText = z.object({ subject: z.string().min(1).optional(), body: z.string().min(1), sms: z.string().min(1).optional() }).strict();
/** Inline text for one locale. */
export type MessageText = z.infer<typeof MessageText>;

const messageShape = {
  template: TemplateKey,
  delay: Delay.optional(),
  /** Preferred channel for this message; the journey's order supplies the fallbacks. */
  channel: Channel.optional(),
  text: z.record(locale, MessageText).optional(),
};

/** A message the journey sends. */
export const Message = z.object(messageShape).strict();
/** A message the journey sends. */
export type Message = z.infer<typeof Message>;

/** Sent every `every` while an application stays in a stage without change. */
export const FollowUp = z.object({ ...messageShape, every: duration, max: z.number().int().min(1).optional() }).strict();
/** A follow-up cadence. */
export type FollowUp = z.infer<typeof FollowUp>;

/**
 * How the candidate's status page names a stage and what it says about it, per locale (the locale chain picks
 * one): a short title ("Interviews") and one sentence on what happens in it. Only the page reads it.
 */
export const CandidateStageText = z.object({ title: z.string().min(1).max(60), sentence: z.string().min(1).max(300) }).strict();
/** A stage's candidate-facing title and sentence in one locale. */
export type CandidateStageText = z.infer<typeof CandidateStageText>;
const candidateStageTexts = z.record(locale, CandidateStageText).optional();

/** What a stage says on entry and while the candidate waits in it, and how the status page presents it. */
export const Stage = z.object({ onEnter: z.array(Message).default([]), followUp: FollowUp.optional(), candidate: candidateStageTexts }).strict();
/** A stage's messages. */
export type Stage = z.infer<typeof Stage>;

const RejectedStage = z
  .object({ onEnter: z.array(Message).default([]), followUp: FollowUp.optional(), positionClosed: Message.optional(), candidate: candidateStageTexts })
  .strict();

/** A reminder `before` the interview starts. */
export const Reminder = z.object({ ...messageShape, before: fixedDuration }).strict();
/** An interview reminder. */
export type Reminder = z.infer<typeof Reminder>;

/** The update promised `within` a time after the interview ends. */
export const InterviewUpdate = z.object({ ...messageShape, within: duration }).strict();
/** The post-interview update. */
export type InterviewUpdate = z.infer<typeof InterviewUpdate>;

/** Interview touchpoints, timed relative to the interview. */
export const InterviewTouchpoints = z
  .object({
    confirmation: Message,
    reminders: z.array(Reminder).default([]),
    /** Sent when the time moves; without it the confirmation is sent again. */
    rescheduled: Message.optional(),
    /** Sent when interview slots are offered for the candidate to choose from on their status page ({{ statusUrl }}). */
    slotsOffered: Message.optional(),
    canceled: Message,
    after: InterviewUpdate,
  })
  .strict();
/** Interview touchpoints. */
export type InterviewTouchpoints = z.infer<typeof InterviewTouchpoints>;

const emptyStage = { onEnter: [] };

/** A complete journey definition. */
export const JourneyDefinition = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    defaultLocale: locale.default('en'),
    /** Used when the ATS does not know the candidate's time zone. */
    defaultTimeZone: timeZone.default('UTC'),
    ackWithin: fixedDuration.default('5m'),
    /** Longest allowed gap between two messages, in business days. */
    maxSilence: z.number().int().min(1).max(30).default(5),
    /**
     * Business hours a recruiter has to answer a candidate's question (a reply, or the status page's form) before the
     * journey alerts them; absent means DEFAULT_ANSWER_WITHIN_HOURS (16, two business days). See engine/questions.ts.
     */
    answerWithin: z.number().int().min(1).max(400).optional(),
    quietHours: z.object({ start: clock, end: clock }).strict().default({ start: '21:00', end: '08:00' }),
    businessDays: z.array(z.enum(WEEKDAY_NAMES)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    holidays: HolidaySettings.default([]),
    businessMorning: clock.default('09:00'),
    /** Channel preference, which is also the fallback order. */
    channels: z.array(Channel).min(1).default(['email', 'sms']),
    alerts: z
      .object({ waitingOverDays: z.number().int().min(1).optional(), allChannelsFailed: z.boolean().default(true) })
      .strict()
      .default({ allChannelsFailed: true }),
    /** Sent when `maxSilence` would otherwise pass with nothing said. */
    statusUpdate: Message,
    stages: z
      .object({
        applied: Stage.default(emptyStage),
        screening: Stage.default(emptyStage),
        interview: Stage.default(emptyStage),
        offer: Stage.default(emptyStage),
        hired: Stage.default(emptyStage),
        rejected: RejectedStage.default(emptyStage),
        withdrawn: Stage.default(emptyStage),
      })
      .strict(),
    interview: InterviewTouchpoints,
  })
  .strict();
/** A complete, parsed journey definition (defaults filled in). */
export type JourneyDefinition = z.infer<typeof JourneyDefinition>;

/** One problem with a definition: where (a path like `stages.applied.onEnter[0].delay`) and what. */
export interface DefinitionError {
  path: string;
  message: string;
}

/** The outcome of validating a definition. */
export type DefinitionValidation = { ok: true; definition: JourneyDefinition } | { ok: false; errors: DefinitionError[] };

/** Formats a zod path as `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Validates raw input (parsed YAML or JSON) into a definition that can keep the promise, or lists every problem. */
export function validateDefinition(input: unknown): DefinitionValidation {
  const parsed = JourneyDefinition.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) };
  }
  const problems = promiseProblems(parsed.data);
  return problems.length === 0 ? { ok: true, definition: parsed.data } : { ok: false, errors: problems };
}

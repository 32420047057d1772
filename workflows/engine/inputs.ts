/**
 * Everything the engine reacts to. The workflow parses signals and updates with these schemas at its
 * boundary; `decide` trusts its input. Times are epoch ms; personal data stays out (a reply's text is
 * read for opt-out keywords and never stored).
 */
import { z } from 'zod';
import { Channel, JourneyDefinition, StageCategory, TemplateKey } from './definition';
import { ATS_EVENT_TYPES, RECRUITER_ACTIONS } from './vocabulary';

/** ATS event types (docs/architecture.md, Contracts). */
export const AtsEventType = z.enum(ATS_EVENT_TYPES);
/** One ATS event type. */
export type AtsEventType = z.infer<typeof AtsEventType>;

/** What the engine keeps about a candidate: enough to decide when and where, nothing to identify them. */
export const CandidateProfile = z
  .object({
    timeZone: z.string().min(1).optional(),
    locale: z.string().min(2).optional(),
    /** Per channel: the candidate has an address on it and consents to it. */
    consent: z.object({ email: z.boolean().optional(), sms: z.boolean().optional() }).strict().optional(),
  })
  .strict();
/** Candidate facts as an event carries them (every field optional: an update patches). */
export type CandidateProfile = z.infer<typeof CandidateProfile>;

/** An interview as ATS events describe it. */
export const InterviewInfo = z.object({ id: z.string().min(1), start: z.number(), end: z.number().optional() }).strict();
/** An interview as ATS events describe it. */
export type InterviewInfo = z.infer<typeof InterviewInfo>;

/** A normalised ATS event: the adapters map tenant stages to categories and times to epoch ms. */
export const AtsEvent = z
  .object({
    id: z.string().min(1),
    type: AtsEventType,
    /** When the ATS says it happened, epoch ms; orders stage changes. */
    time: z.number(),
    /** For stage_changed: the category moved to. */
    stage: StageCategory.optional(),
    /** For rejected: the position closed rather than the candidate being turned down. */
    positionClosed: z.boolean().optional(),
    interview: InterviewInfo.optional(),
    candidate: CandidateProfile.optional(),
  })
  .strict();
/** A normalised ATS event. */
export type AtsEvent = z.infer<typeof AtsEvent>;

/** What a recruiter can do to a running journey. */
export const RecruiterAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('pause') }).strict(),
  z.object({ action: z.literal('resume') }).strict(),
  z.object({ action: z.literal('sendNow'), template: TemplateKey }).strict(),
]) satisfies z.ZodType<{ action: (typeof RECRUITER_ACTIONS)[number] }>;
/** A recruiter action. */
export type RecruiterAction = z.infer<typeof RecruiterAction>;

/** An input to `decide`. */
export const Input = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ats'), event: AtsEvent }).strict(),
  /** The workflow woke at `nextWakeUp`; `decide` does whatever became due. */
  z.object({ kind: z.literal('timer') }).strict(),
  z
    .object({
      kind: z.literal('delivery'),
      messageId: z.string().min(1),
      channel: Channel,
      /** accepted: the provider took it; delivered / failed: its word on delivery (also after accepting). */
      status: z.enum(['accepted', 'delivered', 'failed']),
      reason: z.string().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('reply'), channel: Channel, text: z.string(), optOut: z.boolean().optional() }).strict(),
  z.object({ kind: z.literal('recruiter'), recruiter: RecruiterAction }).strict(),
  /** The candidate asked a person something (its text is in the store under `questionId`); answer due by `answerBy`. */
  z.object({ kind: z.literal('question'), questionId: z.string().min(1), source: z.enum(['email', 'sms', 'page']), answerBy: z.number() }).strict(),
  /** A recruiter answered the question (the answer's text is in the store): it goes to the candidate. */
  z.object({ kind: z.literal('answered'), questionId: z.string().min(1) }).strict(),
  /** A recruiter offered interview slots through the API (they are in the store); `offerId` names this offer. */
  z.object({ kind: z.literal('slots-offered'), interviewId: z.string().min(1), offerId: z.string().min(1) }).strict(),
  /** The candidate booked an offered slot on the status page (the store made sure nobody else has it). */
  z.object({ kind: z.literal('slot-chosen'), interviewId: z.string().min(1), slotId: z.string().min(1), start: z.number(), end: z.number() }).strict(),
  /** The candidate asked for another time (their note is in the store under `requestId`). */
  z.object({ kind: z.literal('reschedule-requested'), interviewId: z.string().min(1), requestId: z.string().min(1) }).strict(),
  /** The candidate withdrew their application on the status page. */
  z.object({ kind: z.literal('withdrawn') }).strict(),
  /** A new published definition version; it takes effect at the next stage change. */
  /**
   * With `resolved`: the journey's definition resolved again with the job or locale a later event brought; it
   * takes effect at once if nothing has been sent yet.
   */
  z.object({ kind: z.literal('upgrade'), definition: JourneyDefinition, version: z.string().min(1), resolved: z.boolean().optional() }).strict(),
]);
/** An input to `decide`. */
export type Input = z.infer<typeof Input>;

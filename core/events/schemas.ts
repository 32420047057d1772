import { z } from 'zod';
import type { AtsEventType as EngineAtsEventType } from '../../workflows/engine/inputs';
import { isValidTimeZone } from '../../workflows/engine/time-zone';
import { ID_PATTERN } from '../../workflows/shared';

/**
 * The `data` of each inbound ATS event type (docs/architecture.md, "Contracts"). One schema per type, each
 * with its type inferred under the same name. The journey receives `data` exactly as validated here.
 */

const text = z.string().trim().min(1).max(500);
const ref = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_", ":" or "-"');
const dateTime = z.iso.datetime({ offset: true });
/** Application ids become part of workflow ids, so they follow the envelope's `subject` rule. */
const applicationId = z.string().regex(ID_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-"');

/** An IANA time-zone name such as `Europe/Stockholm`, as this runtime's time-zone database knows it. */
export const IanaTimeZone = z
  .string()
  .min(1)
  .max(64)
  // The engine's check keeps one formatter per zone it accepted: building one costs about half a millisecond, per event.
  .refine((zone) => /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) && isValidTimeZone(zone), { message: 'must be an IANA time zone name such as Europe/Stockholm' })
  .meta({ description: 'IANA time zone name, e.g. Europe/Stockholm' });

/** A BCP 47 language tag such as `sv-SE`. */
export const Bcp47Locale = z
  .string()
  .min(2)
  .max(35)
  .refine(
    (tag) => {
      try {
        return Intl.getCanonicalLocales(tag).length === 1;
      } catch {
        return false;
      }
    },
    { message: 'must be a BCP 47 language tag such as sv-SE' },
  )
  .meta({ description: 'BCP 47 language tag, e.g. sv-SE' });

/** The stage categories every tenant's ATS stages are mapped to. */
export const STAGE_CATEGORIES = ['applied', 'screening', 'interview', 'offer', 'hired', 'rejected', 'withdrawn'] as const;
/** A stage category. */
export const StageCategory = z.enum(STAGE_CATEGORIES);
export type StageCategory = z.infer<typeof StageCategory>;

/** The application as the ATS knows it; the first event carries all of it. */
/** The application's page in the ATS (an https URL), when the adapter knows it: the console links to it. */
const atsUrl = z.url({ protocol: /^https$/ }).optional();

export const Application = z.object({ id: applicationId, jobId: ref, jobTitle: text, department: text.optional(), url: atsUrl });
export type Application = z.infer<typeof Application>;

/** The application in later events: its id, and the job when the ATS sends it. */
export const ApplicationRef = z.object({ id: applicationId, jobId: ref.optional(), jobTitle: text.optional(), department: text.optional(), url: atsUrl });
export type ApplicationRef = z.infer<typeof ApplicationRef>;

/** Which channels the candidate agreed to be contacted on. */
export const Consent = z.object({ email: z.boolean().optional(), sms: z.boolean().optional() });
export type Consent = z.infer<typeof Consent>;

/** The candidate: personal data, so it is never logged and never a metric label. */
export const Candidate = z.object({
  id: ref,
  firstName: text,
  lastName: text.optional(),
  email: z.email().optional(),
  phone: z.e164({ message: 'must be an E.164 phone number such as +46701234567' }).optional(),
  locale: Bcp47Locale.optional(),
  timeZone: IanaTimeZone.optional(),
  consent: Consent.optional(),
});
export type Candidate = z.infer<typeof Candidate>;

/** One ATS stage, mapped per tenant to a category. */
export const StageRef = z.object({ id: ref, name: text, category: StageCategory });
export type StageRef = z.infer<typeof StageRef>;

/** A stage change; `from` is absent for the first stage. */
export const Stage = z.object({ from: StageRef.optional(), to: StageRef });
export type Stage = z.infer<typeof Stage>;

/** An interview: its start (with an offset), and where or how to join. */
export const Interview = z
  .object({ id: ref, start: dateTime, end: dateTime.optional(), location: text.optional(), link: z.url().optional() })
  .refine((i) => i.end === undefined || Date.parse(i.end) > Date.parse(i.start), { message: 'end must be after start', path: ['end'] });
export type Interview = z.infer<typeof Interview>;

/** The recruiter who owns the application; alerts about it go to them, in their language when given. */
export const Recruiter = z.object({ name: text, email: z.email(), locale: Bcp47Locale.optional() });
export type Recruiter = z.infer<typeof Recruiter>;

const reason = text.optional();
/** What every event after the first says about whom: the application, and the candidate when the ATS sends them. */
const about = { application: ApplicationRef, candidate: Candidate.optional() };
const recruiter = Recruiter.optional();

/** `ats.application.created`: the application and the candidate, in full. */
export const ApplicationCreatedData = z.object({
  application: Application,
  candidate: Candidate,
  stage: Stage.optional(),
  recruiter,
});
export type ApplicationCreatedData = z.infer<typeof ApplicationCreatedData>;

/** `ats.application.stage_changed`: the stage moved. */
export const ApplicationStageChangedData = z.object({ ...about, stage: Stage, recruiter });
export type ApplicationStageChangedData = z.infer<typeof ApplicationStageChangedData>;

/** `ats.interview.*`: the interview concerned. */
export const InterviewData = z.object({ ...about, interview: Interview, recruiter, reason });
export type InterviewData = z.infer<typeof InterviewData>;

/** One interview slot the candidate may choose: the ATS's id for it (the same id offered to several candidates is one slot, booked once), its times, and where or how to join. */
export const InterviewSlot = z
  .object({ id: ref, start: dateTime, end: dateTime, location: text.optional(), link: z.url().optional() })
  .refine((s) => Date.parse(s.end) > Date.parse(s.start), { message: 'end must be after start', path: ['end'] });
export type InterviewSlot = z.infer<typeof InterviewSlot>;

/**
 * `ats.interview.slots_offered`: times the candidate may choose from on their status page, for one interview (its id
 * is the id the booked interview keeps). A new event type: producers that never send it are unaffected.
 */
export const InterviewSlotsOfferedData = z.object({
  ...about,
  interview: z.object({ id: ref }),
  slots: z.array(InterviewSlot).min(1).max(50),
  recruiter,
});
export type InterviewSlotsOfferedData = z.infer<typeof InterviewSlotsOfferedData>;

/** `ats.offer.*`: an offer was extended, accepted or declined. */
export const OfferData = z.object({ ...about, recruiter, reason });
export type OfferData = z.infer<typeof OfferData>;

/** `ats.application.rejected`: with the reason, and whether the position itself closed. */
export const ApplicationRejectedData = z.object({ ...about, recruiter, reason, positionClosed: z.boolean().optional() });
export type ApplicationRejectedData = z.infer<typeof ApplicationRejectedData>;

/** `ats.application.withdrawn`: the candidate withdrew. */
export const ApplicationWithdrawnData = z.object({ ...about, recruiter, reason });
export type ApplicationWithdrawnData = z.infer<typeof ApplicationWithdrawnData>;

/** `ats.application.hired`: the candidate was hired. */
export const ApplicationHiredData = z.object({ ...about, recruiter });
export type ApplicationHiredData = z.infer<typeof ApplicationHiredData>;

/** `ats.candidate.updated`: the candidate's details as they are now (a full snapshot, not a patch). */
export const CandidateUpdatedData = z.object({ application: ApplicationRef, candidate: Candidate });
export type CandidateUpdatedData = z.infer<typeof CandidateUpdatedData>;

/** `ats.candidate.erased`: forget the candidate; only the id is sent, so nothing personal travels. */
export const CandidateErasedData = z.object({ application: z.object({ id: applicationId }).optional(), candidate: z.object({ id: ref }) });
export type CandidateErasedData = z.infer<typeof CandidateErasedData>;

/** The data schema of every ATS event type. */
export const ATS_EVENT_DATA = {
  'ats.application.created': ApplicationCreatedData,
  'ats.application.stage_changed': ApplicationStageChangedData,
  'ats.interview.scheduled': InterviewData,
  'ats.interview.rescheduled': InterviewData,
  'ats.interview.canceled': InterviewData,
  'ats.interview.completed': InterviewData,
  'ats.interview.slots_offered': InterviewSlotsOfferedData,
  'ats.offer.extended': OfferData,
  'ats.offer.accepted': OfferData,
  'ats.offer.declined': OfferData,
  'ats.application.rejected': ApplicationRejectedData,
  'ats.application.withdrawn': ApplicationWithdrawnData,
  'ats.application.hired': ApplicationHiredData,
  'ats.candidate.updated': CandidateUpdatedData,
  'ats.candidate.erased': CandidateErasedData,
} as const satisfies Record<EngineAtsEventType, z.ZodType>; // the type checker ties this list to the engine's inputs

/** Every ATS event type Candor understands (docs/architecture.md, "Contracts"). */
export const ATS_EVENT_TYPES = Object.keys(ATS_EVENT_DATA) as AtsEventType[];

/** One of the ATS event types of the contract. */
export type AtsEventType = keyof typeof ATS_EVENT_DATA;

/** The validated `data` of an event of type `T`. */
export type AtsEventData<T extends AtsEventType = AtsEventType> = z.infer<(typeof ATS_EVENT_DATA)[T]>;

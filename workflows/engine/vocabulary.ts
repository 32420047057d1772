/**
 * The engine's fixed words as plain values, free of zod: the workflow bundle imports these (and the plain
 * checks in checks.ts), while the zod schemas in definition.ts and inputs.ts are built from the same lists for
 * the boundaries (API, ingest, activities). A list written here once is the one both sides use.
 */

/** The stage categories every tenant's ATS stages map to. */
export const STAGE_CATEGORIES = ['applied', 'screening', 'interview', 'offer', 'hired', 'rejected', 'withdrawn'] as const;

/** A channel Candor can reach a candidate on, in the default preference order. */
export const CHANNELS = ['email', 'sms'] as const;

/** ATS event types (docs/architecture.md, Contracts). */
export const ATS_EVENT_TYPES = [
  'ats.application.created',
  'ats.application.stage_changed',
  'ats.interview.scheduled',
  'ats.interview.rescheduled',
  'ats.interview.canceled',
  'ats.interview.completed',
  /** Interview slots for the candidate to choose from on their status page (README, "Candidate status page"). */
  'ats.interview.slots_offered',
  'ats.offer.extended',
  'ats.offer.accepted',
  'ats.offer.declined',
  'ats.application.rejected',
  'ats.application.withdrawn',
  'ats.application.hired',
  'ats.candidate.updated',
  'ats.candidate.erased',
] as const;

/** What a recruiter can do to a running journey. */
export const RECRUITER_ACTIONS = ['pause', 'resume', 'sendNow'] as const;

/** A template key such as "applied.ack": lowercase segments separated by dots. */
export const TEMPLATE_KEY_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;
/** What a template key must look like, as validation says it. */
export const TEMPLATE_KEY_MESSAGE = 'expected a template key like "applied.ack"';

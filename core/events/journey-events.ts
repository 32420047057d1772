import { z } from 'zod';
import { ID_PATTERN } from '../../workflows/shared';

/**
 * Outbound events on `candor.journey-events`: what Candor did on a journey, for platform teams to
 * consume. CloudEvents 1.0, keyed `{tenant}:{applicationId}`. They name messages and channels, never
 * their content or the candidate's contact details.
 */

const channel = z.enum(['sms', 'email']);
const id = z.string().min(1).max(256);
/** Which interview an interview event is about: ids and times only (never the candidate's note or needs). */
const interviewDetail = z.object({
  interviewId: id,
  slotId: id.optional(),
  start: z.iso.datetime({ offset: true }).optional(),
  end: z.iso.datetime({ offset: true }).optional(),
  requestId: id.optional(),
});
const common = { messageId: id.optional(), template: z.string().optional(), channel: channel.optional(), reason: z.string().optional(), outcome: z.string().optional() };

/**
 * The data of each journey event type: `messageId`, `template`, `channel`, `reason` and `outcome`
 * as the type needs (a message event names the message and channel, `sla.breached` the reason,
 * `journey.completed` the outcome). Extra fields are allowed, so the engine can add detail without a
 * schema change; a publish must never fail an activity over a missing optional detail.
 */
export const JOURNEY_EVENT_DATA = {
  'candor.journey.message.dispatched': z.looseObject(common),
  'candor.journey.message.delivered': z.looseObject(common),
  'candor.journey.message.failed': z.looseObject(common),
  'candor.journey.candidate.replied': z.looseObject(common),
  'candor.journey.candidate.opted_out': z.looseObject(common),
  'candor.journey.sla.breached': z.looseObject(common),
  'candor.journey.journey.completed': z.looseObject(common),
  /** The candidate booked an offered slot on their status page: `interview` names it for the ATS to book. */
  'candor.journey.interview.slot_chosen': z.looseObject({ ...common, interview: interviewDetail.required({ slotId: true, start: true, end: true }) }),
  /** The candidate asked for another time (their note stays in Candor, for the recruiter): `interview.requestId` names it. */
  'candor.journey.interview.reschedule_requested': z.looseObject({ ...common, interview: interviewDetail.required({ requestId: true }) }),
  /** The candidate withdrew on their status page; `journey.completed` (outcome withdrawn) follows once they have been told. */
  'candor.journey.candidate.withdrew': z.looseObject(common),
} as const;

/** A journey event type. */
export type JourneyEventType = keyof typeof JOURNEY_EVENT_DATA;
/** Every journey event type. */
export const JOURNEY_EVENT_TYPES = Object.keys(JOURNEY_EVENT_DATA) as JourneyEventType[];

const tenant = z.string().regex(ID_PATTERN);

/** What a caller publishes: the id must be deterministic (chosen in the workflow), so a retried publish is a duplicate, not a new event. */
export const JourneyEventInput = z.object({
  id,
  type: z.enum(JOURNEY_EVENT_TYPES as [JourneyEventType, ...JourneyEventType[]]),
  tenant,
  applicationId: tenant,
  time: z.iso.datetime({ offset: true }).optional(),
  data: z.record(z.string(), z.unknown()),
});
export type JourneyEventInput = z.infer<typeof JourneyEventInput>;

/** A journey event as it travels on `candor.journey-events` (CloudEvents structured JSON). */
export const JourneyCloudEvent = z.object({
  specversion: z.literal('1.0'),
  id,
  source: z.string(),
  type: z.enum(JOURNEY_EVENT_TYPES as [JourneyEventType, ...JourneyEventType[]]),
  time: z.iso.datetime({ offset: true }),
  subject: tenant,
  tenant,
  datacontenttype: z.literal('application/json'),
  data: z.record(z.string(), z.unknown()),
});
export type JourneyCloudEvent = z.infer<typeof JourneyCloudEvent>;

/** Validates an outbound event and wraps it in its CloudEvents envelope; throws a ZodError naming the bad field. */
export function toJourneyCloudEvent(input: JourneyEventInput, now: () => Date = () => new Date()): JourneyCloudEvent {
  const event = JourneyEventInput.parse(input);
  const data = JOURNEY_EVENT_DATA[event.type].parse(event.data);
  return {
    specversion: '1.0',
    id: event.id,
    source: `candor/${event.tenant}`,
    type: event.type,
    time: event.time ?? now().toISOString(),
    subject: event.applicationId,
    tenant: event.tenant,
    datacontenttype: 'application/json',
    data,
  };
}

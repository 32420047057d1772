import { checkAtsEvent } from './engine/checks';
import type { AtsEvent as EngineEvent } from './engine/inputs';
import type { JourneyContact, JourneyEvent } from './shared';

/** The loosely typed `data` of an ATS event as ingest validated it (core/events/schemas.ts). */
interface EventData {
  application?: { id?: string; jobId?: string; jobTitle?: string; department?: string };
  candidate?: {
    id?: string;
    firstName?: string;
    lastName?: string;
    email?: string;
    phone?: string;
    locale?: string;
    timeZone?: string;
    consent?: { email?: boolean; sms?: boolean };
  };
  stage?: { to?: { category?: string } };
  interview?: { id?: string; start?: string; end?: string; location?: string; link?: string };
  recruiter?: { name?: string; email?: string };
  positionClosed?: boolean;
  /** ats.interview.slots_offered: the times offered (the ingest role stored them; the journey needs only the interview's id). */
  slots?: { start?: string }[];
}

/** The result of mapping: the engine's normalised event and the contact details the event carried. */
export interface MappedEvent {
  event: EngineEvent;
  contact: JourneyContact;
}

/**
 * Maps an ATS event to the engine's normalised form (times in epoch ms, candidate facts without
 * identity) and extracts the contact details messages need. Returns an error string for an event the
 * engine cannot use, so the journey records why instead of failing.
 *
 * `known` is the contact the journey already holds (any-order journeys pass it): a channel is usable when an
 * address is known from this event or an earlier one, so an event that carries consent without repeating the
 * address does not take the channel away.
 */
export function mapAtsEvent(input: JourneyEvent, known?: JourneyContact): { ok: true; value: MappedEvent } | { ok: false; reason: string } {
  const data = (input.data ?? {}) as EventData;
  const c = data.candidate;
  const time = Date.parse(input.time);
  // Slots offered for an interview: the engine knows the interview by its id, and the soonest slot stands in for its start.
  const offered = input.type === 'ats.interview.slots_offered' ? (data.slots ?? []).map((s) => (s.start ? Date.parse(s.start) : NaN)).filter((t) => !Number.isNaN(t)) : [];
  const interviewStart = data.interview?.start ? Date.parse(data.interview.start) : offered.length > 0 ? Math.min(...offered) : undefined;
  const interviewEnd = data.interview?.end ? Date.parse(data.interview.end) : undefined;
  const candidate =
    c === undefined
      ? undefined
      : {
          ...(c.timeZone ? { timeZone: c.timeZone } : {}),
          ...(c.locale ? { locale: c.locale } : {}),
          consent: {
            // A channel is usable when we have an address and the candidate did not decline it.
            ...(c.email !== undefined || c.consent?.email !== undefined ? { email: Boolean(c.email ?? known?.email) && c.consent?.email !== false } : {}),
            ...(c.phone !== undefined || c.consent?.sms !== undefined ? { sms: Boolean(c.phone ?? known?.phone) && c.consent?.sms !== false } : {}),
          },
        };
  const parsed = checkAtsEvent({
    id: input.id,
    type: input.type,
    time,
    ...(data.stage?.to?.category ? { stage: data.stage.to.category } : {}),
    ...(data.positionClosed !== undefined ? { positionClosed: data.positionClosed } : {}),
    ...(data.interview?.id && interviewStart !== undefined
      ? { interview: { id: data.interview.id, start: interviewStart, ...(interviewEnd !== undefined ? { end: interviewEnd } : {}) } }
      : {}),
    ...(candidate ? { candidate } : {}),
  });
  if (!parsed.ok) {
    return { ok: false, reason: parsed.issues.map((i) => `${i.path || '(event)'}: ${i.message}`).join('; ') };
  }
  const contact: JourneyContact = {
    ...(c?.id ? { candidateId: c.id } : {}),
    ...(c?.firstName ? { firstName: c.firstName } : {}),
    ...(c?.lastName ? { lastName: c.lastName } : {}),
    ...(c?.email ? { email: c.email } : {}),
    ...(c?.phone ? { phone: c.phone } : {}),
    ...(data.application?.jobId ? { jobId: data.application.jobId } : {}),
    ...(data.application?.jobTitle ? { jobTitle: data.application.jobTitle } : {}),
    ...(data.application?.department ? { department: data.application.department } : {}),
    ...(data.recruiter ? { recruiter: { ...data.recruiter } } : {}),
    ...(data.interview?.id && data.interview.start && input.type !== 'ats.interview.slots_offered' ? { interview: { ...data.interview, id: data.interview.id, start: data.interview.start } } : {}),
  };
  return { ok: true, value: { event: parsed.value, contact } };
}

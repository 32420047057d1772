/**
 * A journey's state: plain JSON, so the workflow can hand it to `continueAsNew` as it is. It holds the
 * definition snapshot, the few candidate facts decisions need, and what is scheduled; no names,
 * addresses or message text.
 */
import type { MessagePurpose, Outcome } from './commands';
import type { Channel, JourneyDefinition, StageCategory } from './definition';
import type { CandidateProfile } from './inputs';
import type { OpenQuestion } from './questions';
import { isValidTimeZone } from './time-zone';

/** How many event ids are remembered for de-duplication; older redeliveries are also caught by event time. */
export const SEEN_EVENT_LIMIT = 1000;
/** How many timeline entries are kept; the oldest go first. */
export const TIMELINE_LIMIT = 500;

/** A message waiting for its time. `key` names its slot, so a reschedule replaces rather than duplicates. */
export interface ScheduledMessage {
  key: string;
  template: string;
  purpose: MessagePurpose;
  dueAt: number;
  /** Preferred channel from the definition. */
  channel?: Channel;
  /** Held while the journey is paused. */
  pausable: boolean;
  interviewId?: string;
  stage?: StageCategory;
  /** For follow-ups: which one this is (1-based). */
  followUp?: number;
  /** A fallback re-send keeps its message id and remaining channels. */
  messageId?: string;
  attempt?: number;
  channels?: Channel[];
  tried?: Channel[];
  /**
   * Any-order journeys: the message could not be written for want of details (a placeholder with no value); it
   * waits for the next ATS event, which may bring them, instead of failing the channel.
   */
  awaitingDetails?: boolean;
  /** A recruiter's answer: the question it answers (its text is in the store, never here). */
  questionId?: string;
}

/**
 * A dispatched message the journey still hears about. `phase` is absent while the channel is being tried,
 * `accepted` once the provider took it, `delivered` once it reported delivery. Accepted and delivered
 * messages stay for RECEIPT_WINDOW_MS, so a late failure (an SMS "undelivered", an e-mail bounce) still
 * falls back to the next channel.
 */
export interface InFlightMessage {
  messageId: string;
  template: string;
  purpose: MessagePurpose;
  channels: Channel[];
  tried: Channel[];
  attempt: number;
  sentAt: number;
  phase?: 'accepted' | 'delivered';
  /** When the provider accepted it (or reported it delivered). */
  settledAt?: number;
  /** A recruiter's answer: the question it answers. */
  questionId?: string;
}

/** How long after a provider accepted a message a late failure still makes the journey try the next channel. */
export const RECEIPT_WINDOW_MS = 3 * 86_400_000;

/** An interview the journey knows about. */
export interface InterviewRecord {
  id: string;
  start: number;
  end: number;
  /** moving: the candidate asked for another time; its reminders wait for the new one. */
  status: 'scheduled' | 'canceled' | 'completed' | 'moving';
  /** Event time of the latest applied event about it; older ones are stale. */
  lastEventTime: number;
}

/** Kinds of timeline entries. */
export type TimelineType =
  | 'journey.started'
  | 'stage.entered'
  | 'message.scheduled'
  | 'message.dispatched'
  | 'message.sent'
  | 'message.delivered'
  | 'message.failed'
  | 'message.canceled'
  | 'message.suppressed'
  | 'event.ignored'
  | 'interview.scheduled'
  | 'interview.canceled'
  | 'interview.completed'
  | 'interview.slots_offered'
  | 'interview.slot_chosen'
  | 'interview.reschedule_requested'
  | 'candidate.withdrew'
  | 'alert'
  | 'candidate.updated'
  | 'candidate.reachable'
  | 'candidate.replied'
  | 'candidate.opted_out'
  | 'candidate.opted_in'
  | 'question.asked'
  | 'question.answered'
  | 'journey.paused'
  | 'journey.resumed'
  | 'definition.pending'
  | 'definition.upgraded'
  | 'journey.completed';

/** One line of a journey's timeline (the workflow's timeline query returns these). */
export interface TimelineEntry {
  at: number;
  type: TimelineType;
  messageId?: string;
  template?: string;
  purpose?: MessagePurpose;
  channel?: Channel;
  /** For messages: when it was due. */
  dueAt?: number;
  eventId?: string;
  eventType?: string;
  stage?: StageCategory;
  reason?: string;
  version?: string;
  /** For questions: the question's id (its text is in the store). */
  questionId?: string;
  /** For interview entries: the interview, and the slot chosen or the request for another time (ids only). */
  interviewId?: string;
  slotId?: string;
  requestId?: string;
}

/** The candidate facts decisions need. */
export interface CandidateFacts {
  timeZone: string;
  locale: string;
  consent: { email: boolean; sms: boolean };
}

/** A journey's whole state. */
export interface JourneyState {
  applicationId: string;
  definition: JourneyDefinition;
  definitionVersion: string;
  /** A newer definition waiting for the next stage change. */
  pendingDefinition?: { definition: JourneyDefinition; version: string };
  candidate: CandidateFacts;
  /** new: no event yet; open: running; closing: terminal outcome, closing message pending; completed: done. */
  status: 'new' | 'open' | 'closing' | 'completed';
  stage?: StageCategory;
  stageEnteredAt?: number;
  /** ATS time of the latest applied stage change; older stage changes are stale. */
  lastStageEventTime?: number;
  outcome?: Outcome;
  paused: boolean;
  /** Counters behind deterministic ids. */
  seq: number;
  eventSeq: number;
  alertSeq: number;
  seenEventIds: string[];
  scheduled: ScheduledMessage[];
  interviews: InterviewRecord[];
  inFlight: InFlightMessage[];
  createdAt?: number;
  lastMessageAt?: number;
  /** When a status update goes if nothing else has by then. */
  silenceDueAt?: number;
  waitingAlertAt?: number;
  /** In closing: complete by then even if a delivery result never arrives. */
  closingSettleBy?: number;
  closingDispatched: boolean;
  timeline: TimelineEntry[];
  /**
   * Events in any order: set on journeys created by code that waits for a way to reach the candidate
   * (the workflow sets it under `patched('any-event-order')`). Absent on journeys started earlier, which
   * keep deciding as they did; the fields below are used only when it is set.
   */
  anyOrder?: boolean;
  /** When the journey first had a way to reach the candidate. Until then nothing is sent: due messages wait. */
  reachableSince?: number;
  /** When the recruiter hears that the candidate cannot be acknowledged for want of contact details. */
  noContactAlertAt?: number;
  /**
   * A journey that ended before the candidate could be reached waits for contact details until then; not when
   * the created event (the whole application) has come without any (`createdSeen`).
   */
  contactWaitUntil?: number;
  createdSeen?: boolean;
  /** Some message has reached a provider (accepted or delivered). */
  everSent?: boolean;
  /** When the latest new ATS event was applied (a message that lacked details is tried again after one). */
  lastEventAt?: number;
  /** When the recruiter hears that a message still lacks details; `detailsAlerted` once they have. */
  detailsAlertAt?: number;
  detailsAlerted?: boolean;
  /**
   * Questions from the candidate waiting for a person ("waiting for the recruiter"), oldest first; absent until the
   * first question (journeys recorded before questions never have it, and decide as they did).
   */
  questions?: OpenQuestion[];
}

/** What a journey starts from. */
export interface InitialStateParams {
  applicationId: string;
  definition: JourneyDefinition;
  definitionVersion: string;
  /** Facts known at start; the created event may add more. */
  candidate?: CandidateProfile;
  /** Wait for a way to reach the candidate before sending (see JourneyState.anyOrder). */
  anyOrder?: boolean;
}

/** The state of a journey that has seen no event yet. The definition must come from `validateDefinition`. */
export function initialState(params: InitialStateParams): JourneyState {
  const { definition } = params;
  return {
    applicationId: params.applicationId,
    definition,
    definitionVersion: params.definitionVersion,
    candidate: applyProfile(
      { timeZone: definition.defaultTimeZone, locale: definition.defaultLocale, consent: { email: false, sms: false } },
      params.candidate,
    ),
    status: 'new',
    paused: false,
    seq: 0,
    eventSeq: 0,
    alertSeq: 0,
    seenEventIds: [],
    scheduled: [],
    interviews: [],
    inFlight: [],
    closingDispatched: false,
    timeline: [],
    ...(params.anyOrder ? { anyOrder: true } : {}),
  };
}

/** True while an any-order journey has never had a way to reach the candidate: its messages wait for one. */
export function awaitingContact(state: JourneyState): boolean {
  return state.anyOrder === true && state.reachableSince === undefined;
}

/** Candidate facts with a profile patch applied (absent fields keep their value). */
export function applyProfile(facts: CandidateFacts, profile: CandidateProfile | undefined): CandidateFacts {
  if (!profile) return facts;
  return {
    // An unknown zone from the ATS must not break every later decision; keep the one we have.
    timeZone: profile.timeZone !== undefined && isValidTimeZone(profile.timeZone) ? profile.timeZone : facts.timeZone,
    locale: profile.locale ?? facts.locale,
    consent: {
      email: profile.consent?.email ?? facts.consent.email,
      sms: profile.consent?.sms ?? facts.consent.sms,
    },
  };
}

/**
 * What `decide` asks the workflow to do. Commands carry ids chosen deterministically by the engine so
 * that retries and redeliveries stay harmless downstream (the delivery ledger is keyed by message id).
 */
import type { Channel } from './definition';

/** Why a message is sent; the timeline and the simulator show it. */
export type MessagePurpose =
  | 'ack'
  | 'stage'
  | 'follow-up'
  | 'interview-confirmation'
  | 'interview-reminder'
  | 'interview-rescheduled'
  | 'interview-canceled'
  | 'interview-update'
  | 'status-update'
  | 'closing'
  | 'recruiter'
  | 'question-received'
  | 'answer'
  | 'interview-slots';

/** How a journey ended. */
export type Outcome = 'rejected' | 'position-closed' | 'hired' | 'withdrawn' | 'erased';

/** Journey event types published to `candor.journey-events`. */
export type JourneyEventType =
  | 'message.dispatched'
  | 'message.delivered'
  | 'message.failed'
  | 'candidate.replied'
  | 'candidate.opted_out'
  | 'sla.breached'
  | 'journey.completed'
  | 'interview.slot_chosen'
  | 'interview.reschedule_requested'
  | 'candidate.withdrew';

/**
 * Why a recruiter is alerted (`no-contact`: the acknowledgement is overdue because no way to reach the candidate
 * is known; `details-missing`: a message cannot be written until an event brings the details it names).
 */
export type AlertReason = 'max-silence' | 'waiting' | 'all-channels-failed' | 'no-contact' | 'details-missing' | 'unanswered-question' | 'reschedule-requested';

/**
 * Send one message. The delivery activity tries `channels[0]`; if it fails, the engine hears a failed
 * delivery result and issues the same `messageId` with the next channel. `messageId` is
 * `${applicationId}:${template}:${seq}`, unique per journey and free of personal data.
 */
export interface DeliverCommand {
  type: 'deliver';
  messageId: string;
  template: string;
  purpose: MessagePurpose;
  /** Consented channels in fallback order; never empty. */
  channels: Channel[];
  locale: string;
  /** Never send before this instant (epoch ms); always outside the candidate's quiet hours. */
  notBefore: number;
  /** 1 for the first channel, 2 for the first fallback, … */
  attempt: number;
  /** A recruiter's answer to this question (purpose `answer`): the send path reads its text from the store. */
  questionId?: string;
}

/** Tell the recruiter something needs a person. */
export interface AlertRecruiterCommand {
  type: 'alertRecruiter';
  alertId: string;
  reason: AlertReason;
  messageId?: string;
  /** For `waiting`: days in the stage. */
  days?: number;
}

/** Publish a journey event; `eventId` is deterministic so a replayed publish is idempotent. */
export interface PublishEventCommand {
  type: 'publishEvent';
  eventId: string;
  eventType: JourneyEventType;
  messageId?: string;
  template?: string;
  channel?: Channel;
  reason?: string;
  outcome?: Outcome;
  /** Interview events: which interview, the slot chosen (and its times, ISO-8601) or the request for another time. */
  interview?: InterviewEventDetail;
}

/** What an interview journey event says: ids and times only, never the candidate's note or needs. */
export interface InterviewEventDetail {
  interviewId: string;
  slotId?: string;
  start?: string;
  end?: string;
  requestId?: string;
}

/** The journey is over: the workflow may finish once outstanding commands are done. */
export interface CompleteCommand {
  type: 'complete';
  outcome: Outcome;
}

/** A command from `decide`. */
export type Command = DeliverCommand | AlertRecruiterCommand | PublishEventCommand | CompleteCommand;

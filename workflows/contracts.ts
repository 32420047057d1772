/**
 * The activities the workflows call, declared here so workflow code imports nothing from activities/: the
 * worker's implementation (activities/index.ts, createActivities) is checked against this interface. Types
 * only; nothing here runs.
 */
import type { AlertReason, InterviewEventDetail, JourneyEventType, Outcome } from './engine/commands';
import type { CalendarSettings } from './engine/calendar';
import type { HolidaySettings, JourneyDefinition, MessageText } from './engine/definition';
import type { DeliveryResult, JourneyBoardEntry, JourneyContact, JourneyFeature } from './shared';

/** One message on one channel for the send path (deliverMessage). */
export interface DeliverRequest {
  tenant: string;
  applicationId: string;
  messageId: string;
  template: string;
  channel: 'email' | 'sms';
  locale: string;
  timeZone: string;
  text: Record<string, MessageText> | undefined;
  contact: JourneyContact;
  /** The journey's calendar settings, re-checked at send time; when absent, the tenant's default journey's. */
  calendar?: CalendarSettings;
  /** A recruiter's answer to this question (template recruiter.answer): the text comes from the store. */
  questionId?: string;
  /**
   * The journey's clock when it handed the message over (epoch ms). Quiet hours are judged by the later of it and the
   * attempt's scheduled time: a local activity's scheduled time is the worker's clock, which a test server that skips
   * time leaves behind.
   */
  at?: number;
  /**
   * The record of the decision that sent this message (its board row and journey events, as recordJourneyDecision
   * takes them), written before the message is sent (JOURNEY_FEATURES `send-records`; local activities only).
   */
  record?: DecisionRecord;
}

/** What one decision of a journey changed: its board row (when it changed) and its journey events. */
export interface DecisionRecord {
  board?: JourneyBoardEntry;
  events: JourneyEventOut[];
}

/** A journey definition with the version label it runs under. */
export interface VersionedDefinition {
  definition: JourneyDefinition;
  version: string;
  /** The YAML it was read from, comments and all (shipped journeys only). */
  source?: string;
  /** What the worker's journey code does for a new journey (resolveJourneyDefinition only; see JOURNEY_FEATURES). */
  features?: JourneyFeature[];
}

/** An outbound journey event, as published to `candor.journey-events` (CloudEvents). */
export interface JourneyEventOut {
  id: string;
  type: `candor.journey.${JourneyEventType}`;
  tenant: string;
  applicationId: string;
  time: string;
  data: { messageId?: string; template?: string; channel?: string; reason?: string; outcome?: Outcome; interview?: InterviewEventDetail };
}

/** Which application's journey an erasure activity works on (ids only). */
export interface ErasureTarget {
  tenant: string;
  applicationId: string;
}

/** A recruiter alert as the journey raises it. */
export interface AlertRequest {
  tenant: string;
  applicationId: string;
  alertId: string;
  reason: AlertReason;
  messageId?: string;
  days?: number;
}

/** Every activity the workflows proxy. */
export interface Activities {
  /** `now`: the journey's clock (a local activity's own clock is the worker's, not the server's), for the holiday years. */
  resolveJourneyDefinition(params: { tenant: string; jobId?: string; locale?: string; now?: number }): Promise<VersionedDefinition>;
  /**
   * The newest published version of a journey when it is not `knownVersion` (the journey's own, or the one it
   * already waits to apply); undefined when there is none or it is that one. Journeys ask at a stage change.
   */
  latestJourneyVersion(params: { tenant: string; journeyId: string; knownVersions: string[]; now?: number }): Promise<VersionedDefinition | undefined>;
  resolveHolidays(params: { holidays: HolidaySettings }): Promise<HolidaySettings>;
  deliverMessage(request: DeliverRequest): Promise<DeliveryResult>;
  alertRecruiter(params: AlertRequest): Promise<void>;
  /**
   * E-mails the recruiter named on the application (through the configured e-mail provider) that the candidate asked
   * a question, once per question; the text comes from the store. Without a recruiter address the inbox and alerts
   * still have it.
   */
  notifyRecruiterOfQuestion(params: { tenant: string; applicationId: string; questionId: string; recruiter?: { name?: string; email?: string } }): Promise<void>;
  projectJourney(entry: JourneyBoardEntry): Promise<void>;
  publishJourneyEvent(event: JourneyEventOut): Promise<void>;
  /** What one decision changed: the journey's board row (when it changed) and its journey events, in order. */
  recordJourneyDecision(params: DecisionRecord): Promise<void>;
  awaitJourneyClosed(target: ErasureTarget): Promise<boolean>;
  eraseJourneyStoreData(target: ErasureTarget): Promise<void>;
  deleteJourneyHistories(target: ErasureTarget): Promise<number>;
}

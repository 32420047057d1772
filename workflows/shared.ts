import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { JourneyDefinition } from './engine/definition';
import type { JourneyState, TimelineEntry } from './engine/state';

/**
 * Names shared by the workflow and the services that talk to it: task queue, workflow ids, search
 * attributes, signals, queries and updates. Defined once here, imported by both sides.
 */

/** The task queue journey workflows and their activities run on, unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'candor-journeys';

/**
 * The one id pattern (tenants, ATS application and candidate ids, journey ids): 1-128 letters, digits, ".", "_"
 * or "-", starting with a letter or digit. The API, the event schemas and the workflow ids all use it.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The deterministic workflow id of one application's journey. Ids hold only the tenant and the
 * ATS's application id (never a name, e-mail or phone), so they are safe to log and to show.
 */
export function journeyWorkflowId(tenant: string, applicationId: string): string {
  if (!ID_PATTERN.test(tenant)) throw new Error(`tenant "${tenant}" must be 1-128 letters, digits, '.', '_' or '-'`);
  if (!ID_PATTERN.test(applicationId)) throw new Error('applicationId must be 1-128 letters, digits, ".", "_" or "-"');
  return `journey/${tenant}/${applicationId}`;
}

/** The workflow that deletes an erased application's journey histories once it has ended (ids only, like the journey's). */
export function erasureWorkflowId(tenant: string, applicationId: string): string {
  return `erasure/${journeyWorkflowId(tenant, applicationId).slice('journey/'.length)}`;
}

/** Search attributes a journey keeps current, so the API can list candidates by stage and wait. No personal data. */
export const SA_TENANT = defineSearchAttributeKey('CandorTenant', SearchAttributeType.KEYWORD);
export const SA_STAGE = defineSearchAttributeKey('CandorStage', SearchAttributeType.KEYWORD);
/** When the candidate last heard from us (or applied): "waiting since". */
export const SA_WAITING_SINCE = defineSearchAttributeKey('CandorWaitingSince', SearchAttributeType.DATETIME);

/** An ATS event as the ingest role hands it over: the validated CloudEvent's id, type, time and data. */
export interface JourneyEvent {
  /** CloudEvents id: unique per event, the idempotency key. */
  id: string;
  type: string;
  /** ISO-8601 time the ATS says the event happened. */
  time: string;
  data?: unknown;
}

/** What a journey is started with; `carried` is set only by continueAsNew. */
export interface JourneyInput {
  tenant: string;
  applicationId: string;
  /** Whether to keep search attributes current (the server must have them registered). Default true. */
  searchAttributes?: boolean;
  /** Continue as new once the history is this long (default 5,000 events). */
  historyLimit?: number;
  /** Whether to keep the journey's row on the recruiters' board (journey_board) current. Default true. */
  boardProjection?: boolean;
  carried?: CarriedJourney;
  /**
   * The journey a new application follows, resolved by ingest as it starts the journey (`ats.application.created`)
   * for the job and locale that event names (`for`). The journey takes it instead of resolving in a local activity
   * when its first event names the same job and locale; otherwise (and in runs from before) it resolves as always.
   * Not carried over to a next run.
   */
  initial?: InitialJourney;
}

/** A journey definition resolved before the journey started (JourneyInput.initial). */
export interface InitialJourney {
  definition: JourneyDefinition;
  version: string;
  /** JOURNEY_FEATURES of the code that resolved it (what a journey that takes it does). */
  features: JourneyFeature[];
  /** The job and locale it was resolved for. */
  for: { jobId?: string; locale?: string };
}

/** Candidate and application details used to write messages. Lives in (encrypted) workflow state only. */
export interface JourneyContact {
  candidateId?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  jobId?: string;
  jobTitle?: string;
  department?: string;
  recruiter?: { name?: string; email?: string };
  interview?: { id: string; start: string; end?: string; location?: string; link?: string };
}

/** What continueAsNew hands to the next run. */
export interface CarriedJourney {
  state: JourneyState | undefined;
  contact: JourneyContact;
  queued: QueuedInput[];
  eventsApplied: number;
  lastEventType: string | undefined;
  /** The last board write's seq, so the next run's writes still win over this run's (absent before the board existed). */
  boardSeq?: number;
  /** What the board was last written with, so the next run writes only when something changed. */
  boardShown?: string;
  /** Any-order journeys: the job id and locale the definition was resolved with (absent pieces are looked up again when an event brings them). */
  resolvedWith?: { jobId?: string; locale?: string };
  /** Timeline entries the journey has recorded over its whole life, and how many of them the store has (absent before the store kept timelines). */
  timelineCount?: number;
  timelineProjected?: number;
  /** The run records each decision with one local activity (JOURNEY_FEATURES); absent in runs from before. */
  records?: boolean;
  /** The run's first send of a decision carries the decision's record (JOURNEY_FEATURES `send-records`). */
  sendRecords?: boolean;
  /** The run wakes early for a due message and sleeps the rest (JOURNEY_FEATURES `timer-lead`). */
  timerLead?: boolean;
  /** The run's lead is LONG_TIMER_LEAD_MS (JOURNEY_FEATURES `long-timer-lead`). */
  longTimerLead?: boolean;
  /** After an early wake-up the run sets the last timer from a task of its own (JOURNEY_FEATURES `timer-tick`). */
  timerTick?: boolean;
  /** The run records no patch markers (JOURNEY_FEATURES `no-patch-markers`). */
  unmarked?: boolean;
  /** The run keeps a wake-up timer set while a message was being sent (JOURNEY_FEATURES `steady-wake`). */
  steadyWake?: boolean;
}

/**
 * What the worker's journey code does beyond the patch markers, returned with a new journey's first local activity
 * (resolveJourneyDefinition) so that its history, and every replay of it, decides the same. A feature added here
 * costs no patch marker, and so no `TemporalChangeVersion` search-attribute upsert per journey.
 * - `decision-records`: one local activity records a decision's board row and journey events; search attributes
 *   are upserted at a decision that leaves no send awaiting its result.
 * - `send-records`: a decision whose first message goes at once hands its record (board row and journey events)
 *   to that message's local activity, which writes it before sending, instead of a local activity of its own.
 * - `timer-lead`: a journey sleeping until a message is due wakes TIMER_LEAD_MS early and sleeps the rest on a timer
 *   of its own, so the message goes on time however long the workflow task that set the first timer ran (Temporal starts
 *   a timer when that task completes, while its duration counts from the task's start).
 * - `long-timer-lead` (with `timer-lead`): the lead is LONG_TIMER_LEAD_MS, 30 s instead of 5 s. A journey the worker no
 *   longer holds is replayed from its history by the early wake-up; under load that task waited longer than 5 s for the
 *   worker, and the message was late by as much. With 30 s the replay is done before the message is due, and the task
 *   that sends it finds the journey in the worker's cache.
 * - `timer-tick` (with `timer-lead`): after its early wake-up the journey sleeps 1 ms before it sets the timer for the
 *   rest, so that timer is set by a task of its own. The task the early wake-up starts replays a journey the worker let go
 *   (1.5 s under load), and a timer it set would fire as much late, as Temporal starts it when the task completes; the
 *   task after the tick finds the journey cached and completes in milliseconds.
 * - `no-patch-markers` (taken from ingest's resolution, JourneyInput.initial, only): the run takes every change of
 *   this code without recording patch markers (its input decides, so every replay decides the same), which saves a
 *   marker event and the `TemporalChangeVersion` search-attribute upsert per journey. Workers must run this code
 *   before ingest does (README, "Upgrading").
 * - `steady-wake`: a wake-up timer set while one of the journey's messages was being sent (a local activity) is never
 *   cancelled: it is kept while the wake-up it was set for still stands, else left to fire unheeded. A query can make the
 *   SDK complete a workflow task while a local activity runs, with the activity's result recorded in that same task although
 *   the journey only took it in the next; a replay hands the journey that result in the first task, and a timer started
 *   and cancelled inside one task is never sent, so the replay would miss the timer the history has (non-determinism).
 */
/** The lead of journeys with JOURNEY_FEATURES `long-timer-lead`: long enough for the replay of a journey the worker let go. */
export const LONG_TIMER_LEAD_MS = 30_000;

export const JOURNEY_FEATURES = ['decision-records', 'send-records', 'timer-lead', 'no-patch-markers', 'steady-wake', 'long-timer-lead', 'timer-tick'] as const;
export type JourneyFeature = (typeof JOURNEY_FEATURES)[number];

/**
 * One journey as the recruiters' board shows it (table journey_board), written by the journey after each
 * decision that changed it. No personal data; a completed journey keeps only ids, stage and outcome.
 * Times are epoch milliseconds.
 */
export interface JourneyBoardEntry {
  tenant: string;
  applicationId: string;
  /** The journey (definition id) it follows, and the exact version, e.g. `default-sv` and `default-sv@v2`. */
  journeyId: string;
  definitionVersion: string;
  status: 'open' | 'closing' | 'completed';
  outcome: string | null;
  stage: string;
  paused: boolean;
  timeZone: string | null;
  locale: string | null;
  startedAt: number | null;
  /** When the candidate last heard from us (or applied). */
  waitingSince: number;
  lastMessage: { template: string; channel: string | null; at: number } | null;
  nextMessage: { template: string; dueAt: number } | null;
  /** Grows with every write of one journey; a write whose seq is not above the row's is ignored. */
  seq: number;
  /**
   * What the status endpoint shows without asking the workflow (absent in writes from older code): the
   * journey's status as its status query gives it, less tenant and application id.
   */
  detail?: Omit<JourneyStatus, 'tenant' | 'applicationId'>;
  /**
   * Timeline entries recorded since the last write: `entries[i]` is the journey's timeline entry number
   * `from + i` (numbered from 0 over the journey's whole life, across continue-as-new). A write may repeat
   * entries an earlier write carried (a retry); the store keeps each number once.
   */
  timeline?: { from: number; entries: TimelineEntry[] };
}

/** An input waiting for the journey loop. */
export type QueuedInput =
  | { kind: 'ats'; event: JourneyEvent }
  | { kind: 'delivery'; result: DeliveryResult }
  | { kind: 'reply'; reply: CandidateReply }
  | { kind: 'upgrade'; definition: JourneyDefinition; version: string }
  | { kind: 'recruiter'; action: RecruiterActionRequest }
  | { kind: 'question'; question: CandidateQuestion }
  | { kind: 'answered'; questionId: string }
  | { kind: 'interview'; choice: CandidateInterviewChoice }
  | { kind: 'withdrawn' };

/**
 * What the candidate (status page) or a recruiter (API) did about an interview; ids, times and the slot's place only.
 * The store has already settled it (a chosen slot is booked for this application alone); a note stays in the store.
 */
export type CandidateInterviewChoice =
  | { action: 'offered'; interviewId: string; offerId: string }
  | { action: 'chosen'; interviewId: string; slotId: string; start: string; end: string; location?: string; link?: string }
  | { action: 'reschedule'; interviewId: string; requestId: string };

/**
 * The candidate asked a person something (an SMS or e-mail reply that is no keyword, or the status page's form). Ids
 * and times only: the text is in the store (candidate_questions), where erasure removes it.
 */
export interface CandidateQuestion {
  questionId: string;
  source: 'email' | 'sms' | 'page';
  /** When the recruiter is alerted if nobody has answered (answerWithin business hours after it was asked). */
  answerBy: number;
}

/** A provider's word on one message (from the delivery activity or a status webhook). */
export interface DeliveryResult {
  messageId: string;
  channel: 'email' | 'sms';
  /** accepted: the provider took it (delivery not yet known); delivered / failed: the provider's word, also after accepting. */
  status: 'accepted' | 'delivered' | 'failed';
  reason?: string;
  /** The decision record handed to this send (DeliverRequest.record) could not be written; the journey writes it again. */
  recorded?: false;
}

/** A candidate's reply. The text decides opt-out/STATUS; it is kept only in the timeline entry's reason when a person must read it. */
export interface CandidateReply {
  channel: 'email' | 'sms';
  text: string;
  optOut?: boolean;
}

/** A recruiter action on a running journey. */
export type RecruiterActionRequest = { action: 'pause' } | { action: 'resume' } | { action: 'sendNow'; template: string };

/** A summary of a journey, for queries. */
export interface JourneyStatus {
  tenant: string;
  applicationId: string;
  /** Distinct ATS events applied (redeliveries are not counted). */
  eventsApplied: number;
  lastEventType: string | undefined;
  completed: boolean;
  status: JourneyState['status'] | 'new';
  stage: string | undefined;
  paused: boolean;
  definitionVersion: string | undefined;
  /** The candidate's IANA time zone and locale (what their messages and quiet hours follow). */
  timeZone: string | undefined;
  locale: string | undefined;
  lastMessageAt: number | undefined;
  nextWakeUp: number | undefined;
  scheduled: { template: string; purpose: string; dueAt: number }[];
}

/** Delivers one ATS event to a journey (sent with signalWithStart, so the first event starts it). */
export const atsEventSignal = defineSignal<[JourneyEvent]>('atsEvent');
/** A delivery status from a provider webhook. */
export const deliveryResultSignal = defineSignal<[DeliveryResult]>('deliveryResult');
/** A candidate replied (inbound SMS or e-mail). */
export const candidateReplySignal = defineSignal<[CandidateReply]>('candidateReply');
/** The candidate asked a person something: the journey waits for the recruiter and e-mails them. */
export const candidateQuestionSignal = defineSignal<[CandidateQuestion]>('candidateQuestion');
/** A recruiter answered a question (the answer is in the store): the journey sends it to the candidate. */
export const questionAnsweredSignal = defineSignal<[{ questionId: string }]>('questionAnswered');
/** Interview slots offered by a recruiter, a slot the candidate booked, or their request for another time. */
export const interviewChoiceSignal = defineSignal<[CandidateInterviewChoice]>('interviewChoice');
/** The candidate withdrew on their status page: the journey closes as withdrawn. */
export const candidateWithdrewSignal = defineSignal('candidateWithdrew');
/** A new journey definition version was published; it applies at the next stage change. */
export const definitionPublishedSignal = defineSignal<[{ definition: JourneyDefinition; version: string }]>('definitionPublished');
/** The journey's current status. */
export const journeyStatusQuery = defineQuery<JourneyStatus>('status');
/** Every event, decision and message with due, sent and delivered times. */
export const journeyTimelineQuery = defineQuery<TimelineEntry[]>('timeline');
/** Pause, resume or send a message now; rejected with a reason when the input is invalid or the journey is over. */
export const recruiterActionUpdate = defineUpdate<JourneyStatus, [RecruiterActionRequest]>('recruiterAction');

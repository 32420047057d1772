import type { RetryPolicy } from '@temporalio/common';
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, DecisionRecord, JourneyEventOut } from './contracts';
// The engine's zod-free modules only (not its index, which carries the boundary schemas): every journey
// evaluates the modules the workflow imports.
import { holidaysNeedRefresh } from './engine/calendar';
import { checkRecruiterAction } from './engine/checks';
import type { Command } from './engine/commands';
import { decide, nextWakeUp } from './engine/decide';
import type { Input } from './engine/inputs';
import { messagesWithPaths } from './engine/promise-checks';
import { initialState, type JourneyState } from './engine/state';
import { pooledDefinition, withPooledDefinitions } from './definition-pool';
import { mapAtsEvent } from './event-mapping';
import { deliverRequestOf, journeyChoiceOf, takesIngestResolution } from './first-message';
import { boardEntry, journeyIdOf, journeyStatusOf } from './journey-board';
import {
  atsEventSignal,
  candidateQuestionSignal,
  candidateReplySignal,
  candidateWithdrewSignal,
  definitionPublishedSignal,
  interviewChoiceSignal,
  deliveryResultSignal,
  journeyStatusQuery,
  journeyTimelineQuery,
  LONG_TIMER_LEAD_MS,
  questionAnsweredSignal,
  recruiterActionUpdate,
  SA_STAGE,
  SA_TENANT,
  SA_WAITING_SINCE,
  type JourneyBoardEntry,
  type JourneyContact,
  type JourneyInput,
  type JourneyStatus,
  type QueuedInput,
} from './shared';

// Retry bounds for every activity live here. Delivery retries as long as the provider says "later"
// (429, 5xx); the ledger keyed by message id makes each retry safe.
const retry: RetryPolicy = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10m', nonRetryableErrorTypes: ['TemplateMissing', 'InvalidRequest'] };
const acts = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry });
// A send is bounded by the providers' 10 s request timeout; a worker that dies mid-send is noticed after
// 30 s and the send retried on another worker (the ledger makes the retry safe).
const delivery = proxyActivities<Pick<Activities, 'deliverMessage'>>({ startToCloseTimeout: '30 seconds', retry });

// Short steps run as local activities inside the journey's workflow task (one marker event each, no task-queue
// round trip, no extra workflow task for their result), so a new applicant's first workflow task can resolve
// the journey, send the acknowledgement and record it. A send that fails is retried with the same backoff; a
// worker that dies mid-send lets the workflow task time out and another worker sends again (the ledger keyed by
// message id makes that safe). Journeys whose histories predate this keep their task-queue activities on replay.
const localSteps = proxyLocalActivities<Pick<Activities, 'resolveJourneyDefinition' | 'latestJourneyVersion' | 'alertRecruiter' | 'publishJourneyEvent' | 'recordJourneyDecision' | 'notifyRecruiterOfQuestion'>>({
  startToCloseTimeout: '1 minute',
  retry,
});
const localDelivery = proxyLocalActivities<Pick<Activities, 'deliverMessage'>>({ startToCloseTimeout: '30 seconds', retry });
const LOCAL_STEPS = 'local-steps';


// The board row is bookkeeping: a local activity (one marker event, no task-queue round trip), retried for a
// few minutes and never holding up a decision. A write that still fails is made again at the next decision.
const board = proxyLocalActivities<Pick<Activities, 'projectJourney'>>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** ATS events that never move a journey's stage: no reason to look for a newer published version. */
const QUIET_EVENTS = new Set(['ats.application.created', 'ats.candidate.updated', 'ats.candidate.erased']);

/** What one decision hands on: the last message handed to delivery (the next one waits for it), and its journey events. */
interface SendBatch {
  previous?: Promise<void>;
  events: JourneyEventOut[];
}

/** A decision's record on its way to the store, and how many timeline entries the journey had recorded when it was made. */
interface PendingRecord {
  params: DecisionRecord;
  written: number;
}

/** How early a journey (JOURNEY_FEATURES `timer-lead`) wakes for a due message, to sleep the rest on a fresh timer. */
const TIMER_LEAD_MS = 5_000;

/** History length after which a journey continues as new, well below Temporal's limits (50k events). */
const DEFAULT_HISTORY_LIMIT = 5_000;

/**
 * One application's journey. The pure engine decides (`decide`); this workflow only feeds it inputs
 * (signals, updates, timer wake-ups), carries out its commands through activities, keeps search
 * attributes current and rolls over with continueAsNew before the history grows large.
 */
export async function candidateJourney(input: JourneyInput): Promise<JourneyStatus> {
  // A run that starts on this code records one patch marker, first, before anything else, and takes every
  // change below (a patch decided later, after a local activity, could be decided differently on replay: a
  // replayed local activity resolves before the patch markers of the task that recorded it are known). Runs
  // recorded before keep deciding each change by its own patch, as they did.
  // A run that ingest started with features saying so takes every change without recording a marker (no marker event,
  // no TemporalChangeVersion upsert); its input decides, and it carries that decision to its next runs.
  const unmarked = input.carried ? input.carried.unmarked === true : (input.initial?.features.includes('no-patch-markers') ?? false);
  const current = unmarked || patched(LOCAL_STEPS);
  const has = (change: string): boolean => current || patched(change);
  const steps = current ? localSteps : acts;
  const deliver = current ? localDelivery.deliverMessage : delivery.deliverMessage;
  const carried = input.carried;
  // Runs whose first local activity said so record a decision's board row and journey events with one local activity
  // and upsert search attributes once a new journey's acknowledgement is through (JOURNEY_FEATURES).
  let records = carried?.records ?? false;
  // Runs whose first local activity (or ingest's resolution) said so hand a decision's record to its first send.
  let sendRecords = carried?.sendRecords ?? false;
  // Runs whose first local activity (or ingest's resolution) said so wake TIMER_LEAD_MS before a due message.
  let timerLead = carried?.timerLead ?? false;
  let longTimerLead = carried?.longTimerLead ?? false;
  let timerTick = carried?.timerTick ?? false;
  // Runs whose first local activity (or ingest's resolution) said so never cancel a wake-up timer set while a send ran.
  let steadyWake = carried?.steadyWake ?? false;
  let state: JourneyState | undefined = carried?.state && withPooledDefinitions(carried.state);
  let contact: JourneyContact = carried?.contact ?? {};
  const queue: QueuedInput[] = [...(carried?.queued ?? [])];
  let eventsApplied = carried?.eventsApplied ?? 0;
  let lastEventType = carried?.lastEventType;
  let inFlight = 0;
  // Sends whose local activity is running (runs with steady wake pin the timers set meanwhile).
  let delivering = 0;
  // Messages handed to delivery whose result the journey has not taken in yet (runs with decision records).
  const awaitingSends = new Set<string>();
  // Journey events of a decision record a send could not write (runs with send records): they go with the next record.
  let unrecorded: JourneyEventOut[] = [];
  // Updates wait until the loop has applied their input, so the caller sees the effect.
  let enqueued = 0;
  let processed = 0;
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const searchAttributes = input.searchAttributes !== false;
  const boardProjection = input.boardProjection !== false;
  let boardSeq = carried?.boardSeq ?? 0;
  let resolvedWith: { jobId?: string; locale?: string } = carried?.resolvedWith ?? {};
  // Timeline entries recorded over the journey's life (the state keeps the newest few hundred), and how many the
  // store has: each board write carries the ones it lacks, numbered, so the API can serve the timeline itself.
  let timelineCount = carried?.timelineCount ?? state?.timeline.length ?? 0;
  let timelineProjected = carried?.timelineProjected ?? 0;

  const enqueue = (item: QueuedInput): number => {
    queue.push(item);
    return ++enqueued;
  };
  const status = (): JourneyStatus => journeyStatusOf(input, state, { eventsApplied, lastEventType });

  setHandler(atsEventSignal, (event) => void enqueue({ kind: 'ats', event }));
  setHandler(deliveryResultSignal, (result) => void enqueue({ kind: 'delivery', result }));
  setHandler(candidateReplySignal, (reply) => void enqueue({ kind: 'reply', reply }));
  // Questions and answers are new inputs: histories recorded before have none, so they replay unchanged without a patch.
  setHandler(candidateQuestionSignal, (question) => void enqueue({ kind: 'question', question }));
  setHandler(questionAnsweredSignal, ({ questionId }) => void enqueue({ kind: 'answered', questionId }));
  // Interview choices and a withdrawal are new inputs too: histories recorded before have none.
  setHandler(interviewChoiceSignal, (choice) => void enqueue({ kind: 'interview', choice }));
  setHandler(candidateWithdrewSignal, () => void enqueue({ kind: 'withdrawn' }));
  setHandler(definitionPublishedSignal, ({ definition, version }) => void enqueue({ kind: 'upgrade', definition, version }));
  setHandler(journeyStatusQuery, status);
  setHandler(journeyTimelineQuery, () => state?.timeline ?? []);
  setHandler(
    recruiterActionUpdate,
    async (action) => {
      const ticket = enqueue({ kind: 'recruiter', action });
      await condition(() => processed >= ticket);
      return status();
    },
    {
      validator: (action) => {
        const parsed = checkRecruiterAction(action);
        if (!parsed.ok) throw new Error(`Invalid action: ${parsed.issues.map((i) => `${i.path || 'action'}: ${i.message}`).join('; ')}`);
        if (!state || state.status === 'new') throw new Error('The journey has not started yet');
        if (state.status === 'completed') throw new Error('The journey is over');
        const request = parsed.value;
        const definition = state.definition;
        if (request.action === 'sendNow' && !messagesWithPaths(definition).some((m) => m.message.template === request.template)) {
          throw new Error(`The journey has no message with template "${request.template}"`);
        }
      },
    },
  );

  /** Runs a command's activity without holding up the loop; its outcome comes back as an input. */
  const track = (work: () => Promise<void>): void => {
    inFlight++;
    void work()
      .catch((error: unknown) => log.error('journey activity failed', { error: error instanceof Error ? error.message : String(error) }))
      .finally(() => inFlight--);
  };

  const execute = (command: Command, journey: JourneyState, batch: SendBatch, record?: PendingRecord): void => {
    switch (command.type) {
      case 'deliver': {
        const channel = command.channels[0]!;
        // The contact is read when the message goes (after any wait), so an update or erasure in between counts.
        const request = deliverRequestOf(command, journey, input);
        // One decision's messages reach the provider in the order the engine chose (the acknowledgement
        // first): each waits until the one before it has been handed over. Histories recorded before ran
        // them side by side, and replay them so.
        const previous = batch.previous !== undefined && has('ordered-sends') ? batch.previous : undefined;
        const send = async (): Promise<void> => {
          if (command.notBefore > Date.now()) await sleep(command.notBefore - Date.now());
          if (previous) await previous;
          delivering++;
          try {
            const result = await deliver({ ...request, at: Date.now(), contact, ...(record ? { record: record.params } : {}) });
            if (record) recorded(record, result.recorded !== false);
            enqueue({ kind: 'delivery', result });
          } catch (error) {
            // Failed sends say nothing of their record: it is written again (idempotent) with the next decision.
            if (record) recorded(record, false);
            // The activity's own failure (with its stable type) is the cause of the ActivityFailure.
            const cause = error instanceof ActivityFailure ? error.cause : error;
            const reason = cause instanceof ApplicationFailure ? `${cause.type ?? 'error'}: ${cause.message}` : 'delivery failed';
            enqueue({ kind: 'delivery', result: { messageId: command.messageId, channel, status: 'failed', reason } });
          } finally {
            delivering--;
          }
        };
        if (records) awaitingSends.add(command.messageId);
        const sending = send();
        batch.previous = sending;
        track(() => sending);
        break;
      }
      case 'alertRecruiter': {
        const alert = () =>
          steps.alertRecruiter({
            tenant: input.tenant,
            applicationId: input.applicationId,
            alertId: command.alertId,
            reason: command.reason,
            ...(command.messageId ? { messageId: command.messageId } : {}),
            ...(command.days !== undefined ? { days: command.days } : {}),
          });
        track(alert);
        break;
      }
      case 'publishEvent': {
        const event: JourneyEventOut = {
          // The engine's ids are unique inside one journey; the tenant makes them unique on the shared topic.
          id: `${input.tenant}:${command.eventId}`,
          type: `candor.journey.${command.eventType}`,
          tenant: input.tenant,
          applicationId: input.applicationId,
          time: new Date().toISOString(),
          data: {
            ...(command.messageId ? { messageId: command.messageId } : {}),
            ...(command.template ? { template: command.template } : {}),
            ...(command.channel ? { channel: command.channel } : {}),
            ...(command.reason ? { reason: command.reason } : {}),
            ...(command.outcome ? { outcome: command.outcome } : {}),
            ...(command.interview ? { interview: command.interview } : {}),
          },
        };
        // Recorded with the decision's board row (decideAndRun); runs from before published each on its own.
        if (records) batch.events.push(event);
        else track(() => steps.publishJourneyEvent(event));
        break;
      }
      case 'complete':
        break;
    }
  };

  /** Turns a queued item into the engine's input; creates the journey on its first event. */
  const toInput = async (item: QueuedInput): Promise<Input | undefined> => {
    switch (item.kind) {
      case 'ats': {
        // Any-order journeys judge a channel by every address known so far, not by this event's alone.
        const mapped = mapAtsEvent(item.event, state?.anyOrder ? contact : undefined);
        if (!mapped.ok) {
          if (state) {
            state.timeline.push({ at: Date.now(), type: 'event.ignored', eventId: item.event.id, eventType: item.event.type, reason: mapped.reason });
            timelineCount++;
            updateBoard();
          }
          return undefined;
        }
        const brought = journeyChoiceOf(mapped.value);
        if (!state) {
          // Ingest resolved a new application's journey as it started it; taken when this event names the same job and locale.
          const initial = input.initial;
          const { definition, version, features } = takesIngestResolution(initial, brought) ? initial : await steps.resolveJourneyDefinition({ tenant: input.tenant, ...brought, now: Date.now() });
          records = current && (features ?? []).includes('decision-records');
          sendRecords = records && (features ?? []).includes('send-records');
          timerLead = records && (features ?? []).includes('timer-lead');
          longTimerLead = timerLead && (features ?? []).includes('long-timer-lead');
          timerTick = timerLead && (features ?? []).includes('timer-tick');
          steadyWake = records && (features ?? []).includes('steady-wake');
          // Journeys created from here on accept events in any order (they wait for a way to reach the candidate);
          // journeys created before keep deciding exactly as they did, so their histories replay unchanged.
          const anyOrder = has('any-event-order');
          state = initialState({ applicationId: input.applicationId, definition: pooledDefinition(definition), definitionVersion: version, ...(anyOrder ? { anyOrder } : {}) });
          // The state holds the pooled definition: let go of ingest's copy (the next run never takes it either).
          delete input.initial;
          if (anyOrder) resolvedWith = brought;
        } else if (state.anyOrder && state.status !== 'completed' && !state.seenEventIds.includes(item.event.id)) {
          // The first event may have lacked the job or the locale the journey is chosen by: look again once one arrives.
          const missing = (brought.jobId && !resolvedWith.jobId) || (brought.locale && !resolvedWith.locale);
          if (missing) {
            resolvedWith = { ...brought, ...resolvedWith };
            const again = await steps.resolveJourneyDefinition({ tenant: input.tenant, ...resolvedWith, now: Date.now() });
            if (again.version !== state.definitionVersion && again.version !== state.pendingDefinition?.version) {
              decideAndRun({ kind: 'upgrade', definition: again.definition, version: again.version, resolved: true });
            }
          }
        }
        // A published version reaches a running journey when it can use it: at an event that may change its stage
        // (the engine applies a newer definition at the next stage change). Publishing signals nobody.
        if (current && state.status !== 'completed' && !QUIET_EVENTS.has(item.event.type) && !state.seenEventIds.includes(item.event.id)) {
          const known = [state.definitionVersion, ...(state.pendingDefinition ? [state.pendingDefinition.version] : [])];
          const newer = await localSteps.latestJourneyVersion({ tenant: input.tenant, journeyId: journeyIdOf(state), knownVersions: known, now: Date.now() });
          if (newer) decideAndRun({ kind: 'upgrade', definition: newer.definition, version: newer.version });
        }
        if (!state.seenEventIds.includes(item.event.id)) {
          eventsApplied++;
          lastEventType = item.event.type;
          // Erasure removes every personal detail this journey holds.
          contact = item.event.type === 'ats.candidate.erased' ? {} : { ...contact, ...mapped.value.contact };
        }
        return { kind: 'ats', event: mapped.value.event };
      }
      case 'delivery':
        awaitingSends.delete(item.result.messageId);
        return { kind: 'delivery', messageId: item.result.messageId, channel: item.result.channel, status: item.result.status, ...(item.result.reason ? { reason: item.result.reason } : {}) };
      case 'reply':
        return { kind: 'reply', channel: item.reply.channel, text: item.reply.text, ...(item.reply.optOut !== undefined ? { optOut: item.reply.optOut } : {}) };
      case 'upgrade':
        return { kind: 'upgrade', definition: item.definition, version: item.version };
      case 'recruiter':
        return { kind: 'recruiter', recruiter: item.action };
      case 'question': {
        const { questionId, source, answerBy } = item.question;
        // The recruiter named on the application hears at once, by e-mail (the activity reads the text from the store).
        if (state && state.status !== 'new' && !state.questions?.some((q) => q.id === questionId)) {
          const recruiter = contact.recruiter;
          track(() => steps.notifyRecruiterOfQuestion({ tenant: input.tenant, applicationId: input.applicationId, questionId, ...(recruiter ? { recruiter } : {}) }));
        }
        return { kind: 'question', questionId, source, answerBy };
      }
      case 'answered':
        return { kind: 'answered', questionId: item.questionId };
      case 'interview': {
        const choice = item.choice;
        if (choice.action === 'offered') return { kind: 'slots-offered', interviewId: choice.interviewId, offerId: choice.offerId };
        if (choice.action === 'reschedule') return { kind: 'reschedule-requested', interviewId: choice.interviewId, requestId: choice.requestId };
        const start = Date.parse(choice.start);
        const end = Date.parse(choice.end);
        if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return undefined;
        // The booked slot is the interview messages name ({{ interview.start }}, its place), like an ATS-scheduled one.
        if (state?.status === 'open') {
          contact = { ...contact, interview: { id: choice.interviewId, start: choice.start, end: choice.end, ...(choice.location ? { location: choice.location } : {}), ...(choice.link ? { link: choice.link } : {}) } };
        }
        return { kind: 'slot-chosen', interviewId: choice.interviewId, slotId: choice.slotId, start, end };
      }
      case 'withdrawn':
        return { kind: 'withdrawn' };
    }
  };

  /** Feeds one input to the engine and carries out its commands. */
  const decideAndRun = (engineInput: Input): void => {
    if (!state) return;
    const before = state.timeline;
    const decision = decide(state, engineInput, Date.now());
    state = withPooledDefinitions(decision.state);
    // The engine appends to a copy of the timeline (dropping the oldest past its limit): count what it added.
    const after = state.timeline;
    timelineCount += after.length - (before.length > 0 ? after.lastIndexOf(before[before.length - 1]!) + 1 : 0);
    const batch: SendBatch = { events: [] };
    if (sendRecords) {
      // The decision's record goes with its first message when that message goes at once (one local activity
      // writes the record, then sends), else with a local activity of its own, as in runs without the feature.
      const sends = decision.commands.filter((c) => c.type === 'deliver');
      for (const command of decision.commands) if (command.type !== 'deliver') execute(command, state, batch);
      const first = sends[0];
      const record = first !== undefined && first.notBefore <= Date.now() ? recordOf(batch.events) : undefined;
      if (!record) updateBoard(batch.events);
      sends.forEach((command, index) => execute(command, state!, batch, index === 0 ? record : undefined));
      updateSearchAttributes(state);
      settleSearchAttributes();
      return;
    }
    for (const command of decision.commands) execute(command, state, batch);
    updateSearchAttributes(state);
    settleSearchAttributes();
    updateBoard(batch.events);
  };

  let shownStage: string | undefined;
  let shownWaitingSince: number | undefined;
  // Runs with decision records upsert at a decision that leaves no send awaiting its result, so a new journey's
  // acknowledgement and its stage go in one upsert (decided by the inputs taken in, never by when activities end).
  let searchAttributesDue = false;
  const updateSearchAttributes = (journey: JourneyState): void => {
    if (!searchAttributes) return;
    const waitingSince = journey.lastMessageAt ?? journey.createdAt;
    if (journey.stage === shownStage && waitingSince === shownWaitingSince) return;
    shownStage = journey.stage;
    shownWaitingSince = waitingSince;
    if (records) searchAttributesDue = true;
    else upsertShown();
  };
  const settleSearchAttributes = (): void => {
    if (searchAttributesDue && awaitingSends.size === 0) upsertShown();
  };
  const upsertShown = (): void => {
    searchAttributesDue = false;
    upsertSearchAttributes([
      { key: SA_TENANT, value: input.tenant },
      { key: SA_STAGE, value: shownStage ?? 'applied' },
      ...(shownWaitingSince !== undefined ? [{ key: SA_WAITING_SINCE, value: new Date(shownWaitingSince) }] : []),
    ]);
  };

  // Runs from before decision records: one board write at a time; a change made while one is under way is written
  // (whole) when it finishes.
  let shownOnBoard: string | undefined = carried?.boardShown;
  let boardWriting = false;
  let boardAgain = false;
  const updateBoard = (events: JourneyEventOut[] = []): void => {
    if (records) {
      // One local activity records the decision: its board row (when it changed) and its journey events.
      const record = recordOf(events);
      if (!record) return;
      track(async () => {
        try {
          await localSteps.recordJourneyDecision(record.params);
          recorded(record, true);
        } catch (error) {
          recorded(record, false);
          throw error;
        }
      });
      return;
    }
    const entry = nextBoardEntry();
    if (!entry) return;
    const written = timelineCount;
    track(async () => {
      try {
        await board.projectJourney(entry);
        if (current) timelineProjected = Math.max(timelineProjected, written);
      } catch (error) {
        shownOnBoard = undefined;
        throw error;
      } finally {
        boardWritten();
      }
    });
  };
  /** The record of a decision (runs with decision records): its board row when that changed, and its journey events. */
  const recordOf = (events: JourneyEventOut[]): PendingRecord | undefined => {
    const entry = nextBoardEntry();
    // Events of a record a send could not write go first, in their order.
    const all = unrecorded.length > 0 ? [...unrecorded, ...events] : events;
    unrecorded = [];
    if (!entry && all.length === 0) return undefined;
    return { params: { ...(entry ? { board: entry } : {}), events: all }, written: timelineCount };
  };
  /**
   * After a record's local activity: the store has the timeline so far; or (a send that carried the record failed, or
   * could not write it) the board row is written again and the events go with the next decision's record.
   */
  const recorded = (record: PendingRecord, ok: boolean): void => {
    if (ok) {
      if (record.params.board) timelineProjected = Math.max(timelineProjected, record.written);
      return;
    }
    if (record.params.board) shownOnBoard = undefined;
    if (sendRecords) unrecorded = [...unrecorded, ...record.params.events];
  };
  const boardWritten = (): void => {
    boardWriting = false;
    if (boardAgain) {
      boardAgain = false;
      updateBoard();
    }
  };
  /** The board row to write now, if it changed and no write is under way (then it is written when that one ends). */
  const nextBoardEntry = (): JourneyBoardEntry | undefined => {
    if (!boardProjection || !state || state.status === 'new') return undefined;
    const base = boardEntry(input.tenant, input.applicationId, state);
    // Journeys from before the store kept statuses and timelines write only what the board shows, as they did.
    const { tenant: _tenant, applicationId: _applicationId, ...detail } = status();
    const key = JSON.stringify(current ? { base, detail, timelineCount } : base);
    if (key === shownOnBoard) return undefined;
    // Runs with decision records write at every decision that changed the row (the store keeps the highest seq), so
    // the local activities a decision makes never depend on when an earlier write ended.
    if (boardWriting && !records) {
      boardAgain = true;
      return undefined;
    }
    // Histories from before the board have no such command; a journey that started then joins the board at
    // its first decision on this code.
    if (!has('board-projection')) return undefined;
    boardWriting = !records;
    shownOnBoard = key;
    const seq = ++boardSeq;
    const unsent = Math.min(timelineCount - timelineProjected, state.timeline.length);
    return current
      ? { ...base, seq, detail, timeline: { from: timelineCount - unsent, entries: state.timeline.slice(state.timeline.length - unsent) } }
      : { ...base, seq };
  };

  const rollOverDue = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit;

  // Runs with steady wake (JOURNEY_FEATURES `steady-wake`): the wake-up timer the loop waits on, the time it was set for,
  // and whether a send's local activity was running when it was set (then it is never cancelled; see JOURNEY_FEATURES).
  let armed: { at: number; fired: Promise<void>; scope: CancellationScope; pinned: boolean } | undefined;
  /** Waits until `ready` or the wake-up at `at`; true when `ready`. Keeps the armed timer while it still serves. */
  const waitSteadily = async (ready: () => boolean, at: number | undefined): Promise<boolean> => {
    // A pinned timer set for earlier than `at` still serves: it wakes the journey, which sleeps on (one more task).
    if (armed && armed.at !== at && !(armed.pinned && at !== undefined && armed.at < at)) {
      if (!armed.pinned) armed.scope.cancel();
      armed = undefined;
    }
    if (at === undefined) {
      await condition(ready);
      return true;
    }
    if (!armed) {
      const scope = new CancellationScope();
      const fired = scope.run(() => sleep(Math.max(1, at - Date.now())));
      fired.catch(() => undefined);
      armed = { at, fired, scope, pinned: delivering > 0 };
    }
    const timer = armed;
    const woken = await CancellationScope.cancellable(async () => {
      try {
        return await Promise.race([timer.fired.then(() => false), condition(ready).then(() => true)]);
      } finally {
        CancellationScope.current().cancel();
      }
    });
    if (!woken && armed === timer) armed = undefined;
    return woken;
  };

  for (;;) {
    if (state?.status === 'completed' && queue.length === 0 && inFlight === 0) break;
    if (rollOverDue() && queue.length === 0) break;
    const wake = state ? nextWakeUp(state) : undefined;
    const ready = () => queue.length > 0 || (state?.status === 'completed' && inFlight === 0) || rollOverDue();
    // Temporal starts a timer when the workflow task completes, but its duration counts from the task's start: a
    // task that ran long (its local activities) would make the message late by as much. So a far wake-up comes
    // TIMER_LEAD_MS (LONG_TIMER_LEAD_MS) early, and the short rest is slept on a timer set by a task that does nothing else.
    const lead = longTimerLead ? LONG_TIMER_LEAD_MS : TIMER_LEAD_MS;
    const early = timerLead && wake !== undefined && wake - Date.now() > lead ? lead : 0;
    const woken = steadyWake
      ? await waitSteadily(ready, wake === undefined ? undefined : wake - early)
      : wake !== undefined
        ? await condition(ready, Math.max(1, wake - early - Date.now()))
        : (await condition(ready), true);
    // Woken before the wake-up (the lead, or a kept timer set for earlier): sleep on. Runs with `timer-tick` set the timer
    // for the rest after a 1 ms tick, from a task that (unlike the one the early wake-up started) replayed nothing.
    if (!woken && (early > 0 || steadyWake) && Date.now() < wake!) {
      if (early > 0 && timerTick) await sleep(1);
      continue;
    }
    const item = woken ? queue.shift() : undefined;
    if (woken && !item) continue;
    const engineInput = item ? await toInput(item) : ({ kind: 'timer' } as const);
    if (engineInput) decideAndRun(engineInput);
    if (item) processed++;
  }

  if (state?.status !== 'completed') {
    // Roll over: wait for handlers and in-flight activities, then hand the whole state to a new run.
    await condition(() => allHandlersFinished() && inFlight === 0);
    if (searchAttributesDue) upsertShown();
    // A journey outliving the holiday years resolved into its snapshot has its calendar resolved again, outside the
    // workflow (histories from before holiday calendars never get here: their holidays are a plain list).
    if (state && holidaysNeedRefresh(state.definition.holidays, Date.now()) && has('holiday-refresh')) {
      const holidays = await acts.resolveHolidays({ holidays: state.definition.holidays });
      state = { ...state, definition: { ...state.definition, holidays } };
    }
    // The next run takes the state carried over, never the definition ingest resolved for the first run.
    const { initial: _initial, ...next } = input;
    await continueAsNew<typeof candidateJourney>({
      ...next,
      carried: {
        state,
        contact,
        queued: queue,
        eventsApplied,
        lastEventType,
        boardSeq,
        ...(shownOnBoard !== undefined ? { boardShown: shownOnBoard } : {}),
        ...(state?.anyOrder ? { resolvedWith } : {}),
        timelineCount,
        timelineProjected,
        ...(records ? { records } : {}),
        ...(sendRecords ? { sendRecords } : {}),
        ...(timerLead ? { timerLead } : {}),
        ...(longTimerLead ? { longTimerLead } : {}),
        ...(timerTick ? { timerTick } : {}),
        ...(unmarked ? { unmarked } : {}),
        ...(steadyWake ? { steadyWake } : {}),
      },
    });
  }
  if (searchAttributesDue) upsertShown();
  return status();
}

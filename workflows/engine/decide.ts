/**
 * The journey engine: `decide(state, input, now)` returns the next state and the commands that keep the
 * promise. It has no clock, no I/O and no Temporal; the workflow feeds it inputs and wakes it at
 * `nextWakeUp(state)`.
 */
import {
  alert,
  beginDecision,
  calendarOf,
  dispatch,
  dueAfterDelay,
  invalidateCalendar,
  publish,
  quietNow,
  reachable,
  record,
  schedule,
  scheduleMessage,
  scheduleNextFollowUp,
  silenceDeadline,
  unschedule,
  type Context,
} from './context';
import type { Command, Outcome } from './commands';
import { deferOutOfQuietHours } from './calendar';
import type { JourneyDefinition, StageCategory } from './definition';
import { parseDuration } from './duration';
import type { AtsEvent, Input, RecruiterAction } from './inputs';
import { applyInterviewEvent, chooseSlot, offerSlots, requestReschedule } from './interviews';
import { ANSWER_TEMPLATE, QUESTION_RECEIVED_TEMPLATE, type QuestionSource } from './questions';
import { messagesWithPaths } from './promise-checks';
import { RECEIPT_WINDOW_MS, SEEN_EVENT_LIMIT, applyProfile, awaitingContact, type JourneyState, type ScheduledMessage } from './state';

/** The result of one decision. */
export interface Decision {
  state: JourneyState;
  commands: Command[];
}

const DAY_MS = 86_400_000;
/**
 * How long a journey that ended before the candidate could be reached waits for contact details, so the
 * closing message still goes (a created event can arrive after the rejection; an ATS user can add an address).
 */
export const CONTACT_WAIT_MS = 7 * DAY_MS;
const DETAILS_WAIT = '; waits for the next event to bring the details';
const OPT_OUT = /^\s*(stop|stopall|stopp|unsubscribe|cancel|end|quit|avsluta)\s*[.!]?\s*$/i;
const OPT_IN = /^\s*(start|unstop)\s*[.!]?\s*$/i;

/** Decides what happens after `input` arrives at `now` (epoch ms). Never mutates `state`. */
export function decide(state: JourneyState, input: Input, now: number): Decision {
  if (state.status === 'completed') return { state, commands: [] };
  const ctx = beginDecision(state, now);
  // Messages settled longer ago than the receipt window no longer wait for a late failure.
  if (ctx.s.inFlight.some((m) => m.settledAt !== undefined && now - m.settledAt > RECEIPT_WINDOW_MS)) {
    ctx.s.inFlight = ctx.s.inFlight.filter((m) => m.settledAt === undefined || now - m.settledAt <= RECEIPT_WINDOW_MS);
  }
  switch (input.kind) {
    case 'ats':
      applyAtsEvent(ctx, input.event);
      break;
    case 'timer':
      break;
    case 'delivery':
      applyDeliveryResult(ctx, input.messageId, input.channel, input.status, input.reason);
      break;
    case 'reply':
      applyReply(ctx, input.channel, input.text, input.optOut === true);
      break;
    case 'recruiter':
      applyRecruiterAction(ctx, input.recruiter);
      break;
    case 'question':
      askQuestion(ctx, input.questionId, input.source, input.answerBy);
      break;
    case 'answered':
      answerQuestion(ctx, input.questionId);
      break;
    case 'slots-offered':
      offerSlots(ctx, input.interviewId, input.offerId);
      break;
    case 'slot-chosen':
      chooseSlot(ctx, input);
      break;
    case 'reschedule-requested':
      requestReschedule(ctx, input.interviewId, input.requestId);
      break;
    case 'withdrawn':
      withdrawByCandidate(ctx);
      break;
    case 'upgrade':
      if (input.resolved && ctx.s.anyOrder && ctx.s.status === 'open' && nothingSentYet(ctx.s)) {
        switchDefinition(ctx, input.definition, input.version);
        break;
      }
      ctx.s.pendingDefinition = { definition: input.definition, version: input.version };
      record(ctx, { type: 'definition.pending', version: input.version, reason: 'applies at the next stage change' });
      break;
  }
  // Contact details (an event) or consent (an opt-in reply) may have made the candidate reachable at last.
  if (ctx.s.status !== 'new' && ctx.s.status !== 'completed' && awaitingContact(ctx.s) && reachable(ctx)) becameReachable(ctx);
  runDue(ctx);
  questionAlerts(ctx);
  return { state: ctx.s, commands: ctx.commands };
}

/** When the workflow must call `decide` with a timer input next, or undefined when only an input can change anything. */
export function nextWakeUp(state: JourneyState): number | undefined {
  if (state.status === 'completed' || state.status === 'new') return undefined;
  // A question nobody has answered wakes the journey to alert the recruiter (only journeys that were asked one).
  const question = state.questions?.reduce<number | undefined>((at, q) => (q.alerted || (at !== undefined && at <= q.answerBy) ? at : q.answerBy), undefined);
  const wake = nextMessageWakeUp(state);
  return question === undefined ? wake : wake === undefined ? question : Math.min(wake, question);
}

function nextMessageWakeUp(state: JourneyState): number | undefined {
  let next = Number.POSITIVE_INFINITY;
  if (awaitingContact(state)) {
    // Nothing can be sent before contact details arrive (an input); only the alerts and the closing wait have times.
    for (const at of [state.status === 'open' ? state.waitingAlertAt : undefined, state.noContactAlertAt, state.detailsAlertAt, state.status === 'closing' ? state.contactWaitUntil : undefined]) {
      if (at !== undefined && at < next) next = at;
    }
    return next === Number.POSITIVE_INFINITY ? undefined : next;
  }
  for (const message of state.scheduled) {
    if ((state.paused && message.pausable) || message.awaitingDetails) continue;
    if (message.dueAt < next) next = message.dueAt;
  }
  if (state.silenceDueAt !== undefined && state.silenceDueAt < next) next = state.silenceDueAt;
  if (state.detailsAlertAt !== undefined && state.detailsAlertAt < next) next = state.detailsAlertAt;
  if (state.status === 'open' && state.waitingAlertAt !== undefined && state.waitingAlertAt < next) next = state.waitingAlertAt;
  // The settle deadline matters only once nothing is left to send; before that the messages wake us.
  if (state.status === 'closing' && state.scheduled.length === 0 && state.closingSettleBy !== undefined && state.closingSettleBy < next) next = state.closingSettleBy;
  return next === Number.POSITIVE_INFINITY ? undefined : next;
}

function ignore(ctx: Context, event: AtsEvent, reason: string): void {
  record(ctx, { type: 'event.ignored', eventId: event.id, eventType: event.type, reason });
}

function applyAtsEvent(ctx: Context, event: AtsEvent): void {
  const s = ctx.s;
  if (s.seenEventIds.includes(event.id)) return ignore(ctx, event, 'duplicate: this event id was already applied');
  s.seenEventIds.push(event.id);
  if (s.seenEventIds.length > SEEN_EVENT_LIMIT) s.seenEventIds.splice(0, s.seenEventIds.length - SEEN_EVENT_LIMIT);

  if (event.type === 'ats.candidate.erased') return erase(ctx, event);
  if (event.candidate) updateCandidate(ctx, event);
  if (s.anyOrder && event.type === 'ats.application.created') s.createdSeen = true;
  // Any event may have brought the details a waiting message needs (the workflow keeps what every event carried).
  if (s.anyOrder) s.lastEventAt = ctx.now;
  if (s.scheduled.some((m) => m.awaitingDetails)) {
    const at = dueAfterDelay(ctx, ctx.now, undefined);
    s.scheduled = s.scheduled.map((m) => (m.awaitingDetails ? { ...m, awaitingDetails: false, dueAt: Math.max(m.dueAt, at) } : m));
  }
  if (s.status === 'new') {
    // The first event starts the journey even if the created event was lost: the candidate still gets acknowledged.
    start(ctx, event);
    if (event.type === 'ats.application.created') return;
  }
  switch (event.type) {
    case 'ats.application.created':
      // Webhooks have no order: a created event after another one still brings its details (applied above).
      if (s.anyOrder) return record(ctx, { type: 'candidate.updated', eventId: event.id, eventType: event.type, reason: 'arrived after the journey had started; its details were applied' });
      return ignore(ctx, event, 'the journey has already started');
    case 'ats.application.stage_changed':
      if (!event.stage) return ignore(ctx, event, 'stage change without a stage');
      return changeStage(ctx, event, event.stage);
    case 'ats.offer.extended':
      return changeStage(ctx, event, 'offer');
    case 'ats.offer.accepted':
    case 'ats.application.hired':
      return changeStage(ctx, event, 'hired');
    case 'ats.offer.declined':
    case 'ats.application.withdrawn':
      return changeStage(ctx, event, 'withdrawn');
    case 'ats.application.rejected':
      return changeStage(ctx, event, 'rejected', event.positionClosed === true);
    case 'ats.interview.scheduled':
    case 'ats.interview.rescheduled':
    case 'ats.interview.canceled':
    case 'ats.interview.completed':
    case 'ats.interview.slots_offered':
      return applyInterviewEvent(ctx, event);
    case 'ats.candidate.updated':
      record(ctx, { type: 'candidate.updated', eventId: event.id });
      return;
  }
}

function start(ctx: Context, event: AtsEvent): void {
  const s = ctx.s;
  s.status = 'open';
  s.createdAt = ctx.now;
  record(ctx, { type: 'journey.started', eventId: event.id });
  // Started by a later event, the journey does not know when the application was made: the applied stage gets no
  // ATS time, so a stage change that happened before this first event is not taken for stale.
  enterStage(ctx, 'applied', s.anyOrder && event.type !== 'ats.application.created' ? undefined : event.time);
  if (!s.anyOrder) return;
  if (reachable(ctx)) {
    s.reachableSince = ctx.now;
    return;
  }
  // No way to reach the candidate yet: messages wait for contact details; the recruiter hears if none come in time.
  const ackWithin = parseDuration(s.definition.ackWithin);
  s.noContactAlertAt = ctx.now + (ackWithin?.kind === 'fixed' ? ackWithin.ms : 0);
  record(ctx, { type: 'candidate.updated', eventId: event.id, reason: 'no way to reach the candidate yet: messages wait for contact details' });
}

/**
 * The first moment an any-order journey can reach the candidate: what waited goes now (the acknowledgement
 * first), except interview touchpoints for an interview that has begun; a due follow-up restarts its cadence.
 */
function becameReachable(ctx: Context): void {
  const s = ctx.s;
  s.reachableSince = ctx.now;
  s.noContactAlertAt = undefined;
  s.contactWaitUntil = undefined;
  record(ctx, { type: 'candidate.reachable', reason: 'contact details arrived: what waited goes now' });
  const begun = new Set(s.interviews.filter((i) => i.start <= ctx.now).map((i) => i.id));
  unschedule(
    ctx,
    (m) => m.interviewId !== undefined && begun.has(m.interviewId) && (m.purpose === 'interview-reminder' || m.purpose === 'interview-confirmation' || m.purpose === 'interview-rescheduled'),
    'the interview began before the candidate could be reached',
  );
  const followUps = s.scheduled.filter((m) => m.purpose === 'follow-up' && m.dueAt <= ctx.now);
  unschedule(ctx, (m) => followUps.includes(m), undefined);
  for (const followUp of followUps) if (followUp.stage) scheduleNextFollowUp(ctx, followUp.stage, followUp.followUp ?? 1);
  // The acknowledgement goes with the first message out (runDue sends it first), never after another one.
  if (s.scheduled.some((m) => m.purpose !== 'ack' && m.dueAt <= ctx.now)) {
    s.scheduled = s.scheduled.map((m) => (m.purpose === 'ack' && m.dueAt > ctx.now ? { ...m, dueAt: ctx.now } : m));
  }
}

/** Enters a non-terminal or terminal stage: its entry messages, its follow-up cadence, its waiting alert. */
function enterStage(ctx: Context, stage: StageCategory, eventTime: number | undefined, positionClosed = false): void {
  const s = ctx.s;
  s.stage = stage;
  s.stageEnteredAt = ctx.now;
  s.lastStageEventTime = eventTime;
  record(ctx, { type: 'stage.entered', stage });
  const config = s.definition.stages[stage];
  const terminal = stage === 'hired' || stage === 'rejected' || stage === 'withdrawn';
  const positionClosedMessage = stage === 'rejected' && positionClosed ? s.definition.stages.rejected.positionClosed : undefined;
  const onEnter = positionClosedMessage ? [positionClosedMessage] : config.onEnter;
  onEnter.forEach((message, index) => {
    const ack = stage === 'applied' && index === 0;
    const purpose = terminal ? 'closing' : ack ? 'ack' : 'stage';
    scheduleMessage(ctx, `stage:${stage}:${index}`, message, purpose, { pausable: purpose === 'stage', stage });
  });
  if (terminal) return;
  scheduleNextFollowUp(ctx, stage, 1);
  const waitingDays = s.definition.alerts.waitingOverDays;
  s.waitingAlertAt = waitingDays === undefined ? undefined : ctx.now + waitingDays * DAY_MS;
}

function changeStage(ctx: Context, event: AtsEvent, to: StageCategory, positionClosed = false): void {
  const s = ctx.s;
  if (s.lastStageEventTime !== undefined && event.time < s.lastStageEventTime) {
    return ignore(ctx, event, `stale: happened before the last stage change (${new Date(s.lastStageEventTime).toISOString()})`);
  }
  if (s.status === 'closing' && s.closingDispatched) return ignore(ctx, event, 'the journey is closed: the closing message has gone');
  const terminal = to === 'hired' || to === 'rejected' || to === 'withdrawn';
  if (to === s.stage && !terminal) {
    s.lastStageEventTime = event.time;
    return ignore(ctx, event, `already in stage ${to}`);
  }
  if (s.pendingDefinition) {
    s.definition = s.pendingDefinition.definition;
    s.definitionVersion = s.pendingDefinition.version;
    s.pendingDefinition = undefined;
    invalidateCalendar(ctx);
    record(ctx, { type: 'definition.upgraded', version: s.definitionVersion });
  }
  if (!terminal) {
    if (s.status === 'closing') {
      // A newer stage change before the closing message went out reverses the outcome (an ATS mis-click).
      unschedule(ctx, (m) => m.purpose === 'closing', 'the outcome was reversed before the closing message went');
      s.status = 'open';
      s.outcome = undefined;
      s.contactWaitUntil = undefined;
    }
    unschedule(ctx, (m) => m.purpose === 'stage' || m.purpose === 'follow-up', `left stage ${s.stage ?? 'none'}`);
    return enterStage(ctx, to, event.time);
  }
  // Terminal: nothing else is owed except the closing message; an unsent acknowledgement yields its slot to it.
  const ack = s.scheduled.find((m) => m.purpose === 'ack');
  unschedule(ctx, () => true, `the application ended (${to})`);
  s.status = 'closing';
  s.outcome = to === 'rejected' && positionClosed ? 'position-closed' : (to);
  s.waitingAlertAt = undefined;
  // Ended before the candidate could be reached: the closing message waits (a while) for contact details, unless
  // the application itself (created) already said there are none.
  if (awaitingContact(s) && !s.createdSeen) s.contactWaitUntil = ctx.now + CONTACT_WAIT_MS;
  enterStage(ctx, to, event.time, positionClosed);
  if (ack) {
    s.scheduled = s.scheduled.map((m) => (m.purpose === 'closing' && m.key.endsWith(':0') && m.dueAt > ack.dueAt ? { ...m, dueAt: ack.dueAt } : m));
  }
}

/**
 * The candidate withdrew on their status page: the journey ends as withdrawn, with the withdrawn stage's closing
 * message, exactly as if the ATS had reported it, and the ATS hears `candidate.withdrew` so it can close the
 * application. Once the journey is closing (any outcome) a withdrawal changes nothing, so a repeat is harmless.
 */
function withdrawByCandidate(ctx: Context): void {
  const s = ctx.s;
  if (s.status !== 'open') return;
  record(ctx, { type: 'candidate.withdrew', reason: 'the candidate withdrew on their status page' });
  publish(ctx, 'candidate.withdrew', { reason: 'status-page' });
  const time = Math.max(ctx.now, s.lastStageEventTime ?? 0);
  changeStage(ctx, { id: `candidate-withdrew:${s.eventSeq}`, type: 'ats.application.withdrawn', time }, 'withdrawn');
}

function updateCandidate(ctx: Context, event: AtsEvent): void {
  const s = ctx.s;
  const wasReachable = reachable(ctx);
  const before = s.candidate.timeZone;
  s.candidate = applyProfile(s.candidate, event.candidate);
  if (s.candidate.timeZone !== before) invalidateCalendar(ctx);
  const isReachable = reachable(ctx);
  if (wasReachable !== isReachable || s.candidate.timeZone !== before) s.silenceDueAt = silenceDeadline(ctx, s.lastMessageAt);
}

function erase(ctx: Context, event: AtsEvent): void {
  const s = ctx.s;
  // Erasure ends all contact at once: no closing message, and only non-identifying facts remain.
  unschedule(ctx, () => true, 'the candidate was erased');
  s.candidate = { timeZone: 'UTC', locale: s.definition.defaultLocale, consent: { email: false, sms: false } };
  s.inFlight = [];
  record(ctx, { type: 'event.ignored', eventId: event.id, eventType: event.type, reason: 'candidate erased: the journey ends without further contact' });
  complete(ctx, 'erased');
}

function complete(ctx: Context, outcome: Outcome): void {
  const s = ctx.s;
  s.status = 'completed';
  s.outcome = outcome;
  s.scheduled = [];
  s.silenceDueAt = undefined;
  s.waitingAlertAt = undefined;
  s.closingSettleBy = undefined;
  record(ctx, { type: 'journey.completed', reason: outcome });
  publish(ctx, 'journey.completed', { outcome });
  ctx.commands.push({ type: 'complete', outcome });
}

function applyDeliveryResult(ctx: Context, messageId: string, channel: 'email' | 'sms', status: 'accepted' | 'delivered' | 'failed', reason: string | undefined): void {
  const s = ctx.s;
  const inFlight = s.inFlight.find((m) => m.messageId === messageId);
  if (!inFlight || inFlight.channels[0] !== channel) {
    record(ctx, { type: 'event.ignored', messageId, channel, eventType: `delivery.${status}`, reason: 'no message in flight on this channel' });
    return;
  }
  if (status === 'accepted') {
    // A retried activity or a provider "sent" after "delivered" says nothing new.
    if (inFlight.phase) return;
    s.inFlight = s.inFlight.map((m) => (m === inFlight ? { ...m, phase: 'accepted' as const, settledAt: ctx.now } : m));
    if (s.anyOrder) s.everSent = true;
    record(ctx, { type: 'message.sent', messageId, channel, template: inFlight.template });
    return;
  }
  if (status === 'delivered') {
    if (inFlight.phase === 'delivered') return;
    s.inFlight = s.inFlight.map((m) => (m === inFlight ? { ...m, phase: 'delivered' as const, settledAt: ctx.now } : m));
    if (s.anyOrder) s.everSent = true;
    record(ctx, { type: 'message.delivered', messageId, channel, template: inFlight.template });
    publish(ctx, 'message.delivered', { messageId, template: inFlight.template, channel });
    return;
  }
  // Failed: before the provider took it, or later (undelivered, bounced): the next channel gets it.
  s.inFlight = s.inFlight.filter((m) => m !== inFlight);
  if (s.anyOrder && !inFlight.phase && reason?.startsWith('TemplateDataMissing')) {
    // Not the channel's fault: the message names a detail no event has brought yet (events come in any order).
    // It waits for the next event under the same id, on whichever channels are open then; if the details are
    // still missing after ackWithin, the recruiter hears (once), since it may need their hand.
    record(ctx, { type: 'message.failed', messageId, channel, template: inFlight.template, reason: `${reason}${DETAILS_WAIT}` });
    s.scheduled.push({
      key: `details:${messageId}`,
      template: inFlight.template,
      purpose: inFlight.purpose,
      dueAt: ctx.now,
      pausable: false,
      messageId,
      attempt: inFlight.attempt,
      // An event that came while it was being written may have brought what it lacked: then it goes again now.
      awaitingDetails: (s.lastEventAt ?? 0) <= inFlight.sentAt,
    });
    if (s.detailsAlertAt === undefined && !s.detailsAlerted) {
      const ackWithin = parseDuration(s.definition.ackWithin);
      s.detailsAlertAt = ctx.now + (ackWithin?.kind === 'fixed' ? ackWithin.ms : 0);
    }
    return;
  }
  const late = inFlight.phase ? ` (after the provider ${inFlight.phase === 'delivered' ? 'reported it delivered' : 'accepted it'})` : '';
  record(ctx, { type: 'message.failed', messageId, channel, template: inFlight.template, reason: late ? `${reason ?? 'failed'}${late}` : reason });
  publish(ctx, 'message.failed', { messageId, template: inFlight.template, channel, reason });
  const tried = [...inFlight.tried, channel];
  const remaining = inFlight.channels.filter((c) => !tried.includes(c) && s.candidate.consent[c]);
  if (remaining.length > 0) {
    // Same message, next channel: the id stays so the ledger (keyed by id and channel) still sees one message.
    s.scheduled.push({
      key: `fallback:${messageId}`,
      template: inFlight.template,
      purpose: inFlight.purpose,
      ...(inFlight.questionId ? { questionId: inFlight.questionId } : {}),
      dueAt: deferOutOfQuietHours(ctx.now, calendarOf(ctx)),
      pausable: false,
      messageId,
      attempt: inFlight.attempt + 1,
      channels: remaining,
      tried,
    });
    return;
  }
  if (s.definition.alerts.allChannelsFailed) alert(ctx, 'all-channels-failed', { messageId });
}

function applyReply(ctx: Context, channel: 'email' | 'sms', text: string, optOut: boolean): void {
  const s = ctx.s;
  const stop = optOut || (channel === 'sms' && OPT_OUT.test(text));
  if (stop) {
    if (!s.candidate.consent[channel]) return;
    s.candidate.consent[channel] = false;
    record(ctx, { type: 'candidate.opted_out', channel });
    publish(ctx, 'candidate.opted_out', { channel });
    if (!reachable(ctx)) s.silenceDueAt = undefined;
    return;
  }
  if (channel === 'sms' && OPT_IN.test(text) && !s.candidate.consent.sms) {
    s.candidate.consent.sms = true;
    record(ctx, { type: 'candidate.opted_in', channel });
    s.silenceDueAt = silenceDeadline(ctx, s.lastMessageAt);
    return;
  }
  record(ctx, { type: 'candidate.replied', channel });
  publish(ctx, 'candidate.replied', { channel });
}

/**
 * The candidate asked a person something: the journey waits for the recruiter (and says so on the timeline) until an
 * answer comes, and alerts them once at `answerBy`. A reply on a channel counts as the candidate replying.
 */
function askQuestion(ctx: Context, questionId: string, source: QuestionSource, answerBy: number): void {
  const s = ctx.s;
  if (s.status === 'new' || s.questions?.some((q) => q.id === questionId)) return;
  const channel = source === 'page' ? undefined : source;
  record(ctx, { type: 'question.asked', questionId, ...(channel ? { channel } : {}), dueAt: answerBy, reason: 'waiting for the recruiter' });
  if (channel) publish(ctx, 'candidate.replied', { channel });
  s.questions = [...(s.questions ?? []), { id: questionId, source, askedAt: ctx.now, answerBy }];
  // An SMS is answered at once in the webhook's reply and the page says it itself; an e-mail gets an e-mail back.
  if (source === 'email' && (s.status === 'open' || s.status === 'closing')) {
    schedule(ctx, { key: `question-received:${questionId}`, template: QUESTION_RECEIVED_TEMPLATE, purpose: 'question-received', dueAt: ctx.now, channel: 'email', pausable: false, questionId });
  }
}

/**
 * A recruiter answered: the question stops waiting, and the answer goes to the candidate on the channel they asked
 * on (a question from the status page: the journey's channel order), once, through the ledger like any message.
 */
function answerQuestion(ctx: Context, questionId: string): void {
  const s = ctx.s;
  const question = s.questions?.find((q) => q.id === questionId);
  if (!question) return;
  s.questions = s.questions!.filter((q) => q.id !== questionId);
  record(ctx, { type: 'question.answered', questionId, ...(question.source !== 'page' ? { channel: question.source } : {}) });
  if (s.status !== 'open' && s.status !== 'closing') return;
  // Quiet hours hold it like any message (runDue sends it at once when it is not quiet).
  schedule(ctx, {
    key: `answer:${questionId}`,
    template: ANSWER_TEMPLATE,
    purpose: 'answer',
    dueAt: deferOutOfQuietHours(ctx.now, calendarOf(ctx)),
    ...(question.source !== 'page' ? { channel: question.source } : {}),
    pausable: false,
    questionId,
  });
}

/** Alerts the recruiter once for each question still unanswered at its `answerBy`. */
function questionAlerts(ctx: Context): void {
  const s = ctx.s;
  if (!s.questions?.some((q) => !q.alerted && q.answerBy <= ctx.now)) return;
  s.questions = s.questions.map((q) => {
    if (q.alerted || q.answerBy > ctx.now) return q;
    alert(ctx, 'unanswered-question');
    return { ...q, alerted: true };
  });
}

function applyRecruiterAction(ctx: Context, action: RecruiterAction): void {
  const s = ctx.s;
  switch (action.action) {
    case 'pause':
      if (s.paused) return;
      s.paused = true;
      record(ctx, { type: 'journey.paused', reason: 'stage messages and follow-ups are held; promise messages still go' });
      return;
    case 'resume':
      if (!s.paused) return;
      s.paused = false;
      // Held messages go now rather than being dropped; quiet hours still apply at dispatch.
      s.scheduled = s.scheduled.map((m) => (m.pausable && m.dueAt < ctx.now ? { ...m, dueAt: ctx.now } : m));
      record(ctx, { type: 'journey.resumed' });
      return;
    case 'sendNow':
      if (s.status !== 'open' && s.status !== 'closing') return;
      s.seq += 1;
      scheduleMessage(ctx, `recruiter:${s.seq}`, { template: action.template }, 'recruiter');
      return;
  }
}

/** Sends whatever is due, fills silence that would break the promise, raises alerts and completes a closed journey. */
function runDue(ctx: Context): void {
  const s = ctx.s;
  if (s.status === 'completed' || s.status === 'new') return;
  if (awaitingContact(s)) return holdForContact(ctx);
  // Any-order journeys send the acknowledgement first of whatever is due together.
  const ackFirst = (a: ScheduledMessage, b: ScheduledMessage) => (s.anyOrder ? Number(b.purpose === 'ack') - Number(a.purpose === 'ack') : 0);
  const due = s.scheduled.filter((m) => m.dueAt <= ctx.now && !(s.paused && m.pausable) && !m.awaitingDetails);
  // The candidate hears "we got your application" before anything else, even when its slot comes later.
  const waitingAck = s.anyOrder && due.length > 0 && !due.some((m) => m.purpose === 'ack') ? s.scheduled.find((m) => m.purpose === 'ack' && !m.awaitingDetails) : undefined;
  if (waitingAck) due.push(waitingAck);
  due.sort((a, b) => ackFirst(a, b) || a.dueAt - b.dueAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const quiet = due.length > 0 || (s.silenceDueAt !== undefined && ctx.now >= s.silenceDueAt) ? quietNow(ctx) : false;
  if (due.length > 0) {
    if (quiet) {
      // Only reachable if the workflow woke late: defer to the window's end, never drop.
      const until = deferOutOfQuietHours(ctx.now, calendarOf(ctx));
      const keys = new Set(due.map((m) => m.key));
      s.scheduled = s.scheduled.map((m) => (keys.has(m.key) ? { ...m, dueAt: until } : m));
    } else {
      for (const message of due) dispatch(ctx, message);
    }
  }
  if (s.silenceDueAt !== undefined && ctx.now >= s.silenceDueAt) {
    if (quiet) {
      s.silenceDueAt = deferOutOfQuietHours(ctx.now, calendarOf(ctx));
    } else if (s.status === 'closing' && s.scheduled.some((m) => m.purpose === 'closing')) {
      // The closing message is the update: send it now rather than a status update right before it.
      const closing = s.scheduled.filter((m) => m.purpose === 'closing').sort((a, b) => a.dueAt - b.dueAt)[0]!;
      dispatch(ctx, { ...closing, dueAt: ctx.now });
      s.scheduled = s.scheduled.filter((m) => m.key !== closing.key);
    } else {
      const statusUpdate = s.definition.statusUpdate;
      const sentBefore = s.seq;
      dispatch(ctx, { key: 'status-update', template: statusUpdate.template, purpose: 'status-update', dueAt: ctx.now, channel: statusUpdate.channel, pausable: false });
      // Nobody to tell: stop the silence clock rather than wake again at the same instant.
      if (s.seq === sentBefore) s.silenceDueAt = undefined;
      alert(ctx, 'max-silence');
      publish(ctx, 'sla.breached', { reason: 'max-silence' });
    }
  }
  waitingAlert(ctx);
  detailsAlert(ctx);
  if (s.status === 'closing' && s.scheduled.length === 0) {
    // A closing message the provider accepted may still bounce; the settle deadline bounds the wait.
    const closingInFlight = s.inFlight.some((m) => m.purpose === 'closing' && m.phase !== 'delivered');
    if (!closingInFlight || (s.closingSettleBy !== undefined && ctx.now >= s.closingSettleBy)) complete(ctx, s.outcome ?? 'rejected');
  }
}

/** Alerts the recruiter once when the candidate has waited in one stage longer than the definition allows. */
function waitingAlert(ctx: Context): void {
  const s = ctx.s;
  if (s.status === 'open' && s.waitingAlertAt !== undefined && ctx.now >= s.waitingAlertAt) {
    const days = Math.floor((ctx.now - (s.stageEnteredAt ?? ctx.now)) / DAY_MS);
    s.waitingAlertAt = undefined;
    alert(ctx, 'waiting', { days });
    publish(ctx, 'sla.breached', { reason: 'waiting' });
  }
}

/** Alerts the recruiter once when a message still lacks details ackWithin after it first could not be written. */
function detailsAlert(ctx: Context): void {
  const s = ctx.s;
  if (s.detailsAlertAt === undefined || ctx.now < s.detailsAlertAt) return;
  s.detailsAlertAt = undefined;
  const waiting = s.scheduled.find((m) => m.awaitingDetails);
  if (!waiting) return;
  s.detailsAlerted = true;
  alert(ctx, 'details-missing', waiting.messageId ? { messageId: waiting.messageId } : {});
}

/**
 * While an any-order journey has no way to reach the candidate, nothing is sent and nothing is dropped: due
 * messages wait for contact details. The recruiter is alerted once the acknowledgement is overdue for want of
 * them; a journey that ended meanwhile completes without its closing message at once if the created event came
 * without contact details, else after CONTACT_WAIT_MS.
 */
function holdForContact(ctx: Context): void {
  const s = ctx.s;
  if (s.noContactAlertAt !== undefined && ctx.now >= s.noContactAlertAt) {
    s.noContactAlertAt = undefined;
    alert(ctx, 'no-contact');
    publish(ctx, 'sla.breached', { reason: 'no-contact' });
  }
  waitingAlert(ctx);
  detailsAlert(ctx);
  if (s.status !== 'closing') return;
  if (s.createdSeen) {
    // The application came without a way to reach the candidate, and it has ended: nobody to tell.
    unschedule(ctx, () => true, 'the application has no way to reach the candidate');
    complete(ctx, s.outcome ?? 'rejected');
  } else if (s.contactWaitUntil !== undefined && ctx.now >= s.contactWaitUntil) {
    unschedule(ctx, () => true, 'no way to reach the candidate arrived within 7 days of the outcome');
    complete(ctx, s.outcome ?? 'rejected');
  }
}

/** True when the journey has sent (or tried to send) nothing yet. */
function nothingSentYet(s: JourneyState): boolean {
  return s.everSent !== true && s.inFlight.length === 0;
}

/**
 * The journey was resolved again with the job or locale a later event brought, and nothing has been sent yet:
 * it follows the new definition from now on. What is scheduled keeps its time, slot and id and takes the new
 * definition's message in the same place (path).
 */
function switchDefinition(ctx: Context, definition: JourneyDefinition, version: string): void {
  const s = ctx.s;
  const before = s.scheduled;
  // Templates are unique within a definition: a message's place (its path) names the new definition's message.
  const pathOf = new Map(messagesWithPaths(s.definition).map(({ path, message }) => [message.template, path]));
  const messageAt = new Map(messagesWithPaths(definition).map(({ path, message }) => [path, message]));
  s.definition = definition;
  s.definitionVersion = version;
  s.pendingDefinition = undefined;
  invalidateCalendar(ctx);
  s.scheduled = [];
  for (const message of before) {
    const path = pathOf.get(message.template);
    const next = path === undefined ? undefined : messageAt.get(path);
    if (!next) {
      record(ctx, { type: 'message.canceled', template: message.template, purpose: message.purpose, reason: `journey ${version} has no such message` });
      continue;
    }
    s.scheduled.push({ ...message, template: next.template, channel: next.channel });
  }
  record(ctx, { type: 'definition.upgraded', version, reason: 'resolved again with the job and locale a later event brought, before anything was sent' });
}

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
  invalidateCalendar,
  publish,
  quietNow,
  reachable,
  record,
  scheduleMessage,
  scheduleNextFollowUp,
  silenceDeadline,
  unschedule,
  type Context,
} from './context';
import type { Command, Outcome } from './commands';
import { deferOutOfQuietHours } from './calendar';
import type { StageCategory } from './definition';
import type { AtsEvent, Input, RecruiterAction } from './inputs';
import { applyInterviewEvent } from './interviews';
import { RECEIPT_WINDOW_MS, SEEN_EVENT_LIMIT, applyProfile, type JourneyState } from './state';

/** The result of one decision. */
export interface Decision {
  state: JourneyState;
  commands: Command[];
}

const DAY_MS = 86_400_000;
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
    case 'upgrade':
      ctx.s.pendingDefinition = { definition: input.definition, version: input.version };
      record(ctx, { type: 'definition.pending', version: input.version, reason: 'applies at the next stage change' });
      break;
  }
  runDue(ctx);
  return { state: ctx.s, commands: ctx.commands };
}

/** When the workflow must call `decide` with a timer input next, or undefined when only an input can change anything. */
export function nextWakeUp(state: JourneyState): number | undefined {
  if (state.status === 'completed' || state.status === 'new') return undefined;
  let next = Number.POSITIVE_INFINITY;
  for (const message of state.scheduled) {
    if (state.paused && message.pausable) continue;
    if (message.dueAt < next) next = message.dueAt;
  }
  if (state.silenceDueAt !== undefined && state.silenceDueAt < next) next = state.silenceDueAt;
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
  if (s.status === 'new') {
    // The first event starts the journey even if the created event was lost: the candidate still gets acknowledged.
    start(ctx, event);
    if (event.type === 'ats.application.created') return;
  }
  switch (event.type) {
    case 'ats.application.created':
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
  enterStage(ctx, 'applied', event.time);
}

/** Enters a non-terminal or terminal stage: its entry messages, its follow-up cadence, its waiting alert. */
function enterStage(ctx: Context, stage: StageCategory, eventTime: number, positionClosed = false): void {
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
  enterStage(ctx, to, event.time, positionClosed);
  if (ack) {
    s.scheduled = s.scheduled.map((m) => (m.purpose === 'closing' && m.key.endsWith(':0') && m.dueAt > ack.dueAt ? { ...m, dueAt: ack.dueAt } : m));
  }
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
    record(ctx, { type: 'message.sent', messageId, channel, template: inFlight.template });
    return;
  }
  if (status === 'delivered') {
    if (inFlight.phase === 'delivered') return;
    s.inFlight = s.inFlight.map((m) => (m === inFlight ? { ...m, phase: 'delivered' as const, settledAt: ctx.now } : m));
    record(ctx, { type: 'message.delivered', messageId, channel, template: inFlight.template });
    publish(ctx, 'message.delivered', { messageId, template: inFlight.template, channel });
    return;
  }
  // Failed: before the provider took it, or later (undelivered, bounced): the next channel gets it.
  s.inFlight = s.inFlight.filter((m) => m !== inFlight);
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
  const due = s.scheduled
    .filter((m) => m.dueAt <= ctx.now && !(s.paused && m.pausable))
    .sort((a, b) => a.dueAt - b.dueAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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
  if (s.status === 'open' && s.waitingAlertAt !== undefined && ctx.now >= s.waitingAlertAt) {
    const days = Math.floor((ctx.now - (s.stageEnteredAt ?? ctx.now)) / DAY_MS);
    s.waitingAlertAt = undefined;
    alert(ctx, 'waiting', { days });
    publish(ctx, 'sla.breached', { reason: 'waiting' });
  }
  if (s.status === 'closing' && s.scheduled.length === 0) {
    // A closing message the provider accepted may still bounce; the settle deadline bounds the wait.
    const closingInFlight = s.inFlight.some((m) => m.purpose === 'closing' && m.phase !== 'delivered');
    if (!closingInFlight || (s.closingSettleBy !== undefined && ctx.now >= s.closingSettleBy)) complete(ctx, s.outcome ?? 'rejected');
  }
}

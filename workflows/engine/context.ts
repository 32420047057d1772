/**
 * The working copy one `decide` call edits, with the primitives every handler shares: timeline, ids,
 * scheduling and dispatch. `decide` copies what it may change up front, so the caller's state is never
 * mutated and a decision is a pure function of (state, input, now).
 */
import { addBusinessDays, deferOutOfQuietHours, isBusinessDay, isQuietTime, latestAllowedAtOrBefore, makeCalendar, nextBusinessMorning, type Calendar } from './calendar';
import type { AlertReason, Command, JourneyEventType, MessagePurpose, PublishEventCommand } from './commands';
import type { Channel, Delay, Message } from './definition';
import { parseDuration, type Duration } from './duration';
import { TIMELINE_LIMIT, type JourneyState, type ScheduledMessage, type TimelineEntry } from './state';

const CLOSING_SETTLE_MS = 86_400_000;
// Any of these reaching the candidate after an interview is the update the promise asks for.
const UPDATES_AFTER_INTERVIEW = new Set<MessagePurpose>(['stage', 'follow-up', 'status-update', 'closing', 'recruiter', 'interview-update']);

/** One decision in progress. */
export interface Context {
  s: JourneyState;
  now: number;
  commands: Command[];
  calendarCache?: Calendar;
}

/** Starts a decision over a copy of `state`. */
export function beginDecision(state: JourneyState, now: number): Context {
  return {
    now,
    commands: [],
    s: {
      ...state,
      candidate: { ...state.candidate, consent: { ...state.candidate.consent } },
      seenEventIds: state.seenEventIds.slice(),
      scheduled: state.scheduled.slice(),
      interviews: state.interviews.slice(),
      inFlight: state.inFlight.slice(),
      timeline: state.timeline.slice(),
    },
  };
}

/** The candidate's calendar under the current definition and time zone. */
export function calendarOf(ctx: Context): Calendar {
  const cached = ctx.calendarCache;
  if (cached && cached.timeZone === ctx.s.candidate.timeZone) return cached;
  const calendar = makeCalendar(ctx.s.candidate.timeZone, ctx.s.definition);
  ctx.calendarCache = calendar;
  return calendar;
}

/** Drops the cached calendar after the definition or time zone changed. */
export function invalidateCalendar(ctx: Context): void {
  ctx.calendarCache = undefined;
}

/** Appends a timeline entry at `now`, dropping the oldest past the limit. */
export function record(ctx: Context, entry: Omit<TimelineEntry, 'at'>): void {
  ctx.s.timeline.push({ at: ctx.now, ...entry });
  if (ctx.s.timeline.length > TIMELINE_LIMIT) ctx.s.timeline.splice(0, ctx.s.timeline.length - TIMELINE_LIMIT);
}

/** Emits a journey event with a deterministic id. */
export function publish(ctx: Context, eventType: JourneyEventType, fields: Omit<PublishEventCommand, 'type' | 'eventId' | 'eventType'> = {}): void {
  ctx.s.eventSeq += 1;
  ctx.commands.push({ type: 'publishEvent', eventId: `${ctx.s.applicationId}:event:${ctx.s.eventSeq}`, eventType, ...fields });
}

/** Alerts the recruiter with a deterministic alert id. */
export function alert(ctx: Context, reason: AlertReason, fields: { messageId?: string; days?: number } = {}): void {
  ctx.s.alertSeq += 1;
  ctx.commands.push({ type: 'alertRecruiter', alertId: `${ctx.s.applicationId}:alert:${ctx.s.alertSeq}`, reason, ...fields });
  record(ctx, { type: 'alert', reason });
}

/** `t` plus a parsed duration in the candidate's calendar. */
export function addDuration(ctx: Context, t: number, duration: Duration): number {
  return duration.kind === 'fixed' ? t + duration.ms : addBusinessDays(t, duration.days, calendarOf(ctx));
}

/** When a message with `delay` triggered at `t` is due, already out of quiet hours. */
export function dueAfterDelay(ctx: Context, t: number, delay: Delay | undefined): number {
  const calendar = calendarOf(ctx);
  if (delay === undefined) return deferOutOfQuietHours(t, calendar);
  if (typeof delay !== 'string') return nextBusinessMorning(t, calendar);
  const duration = parseDuration(delay);
  return deferOutOfQuietHours(duration ? addDuration(ctx, t, duration) : t, calendar);
}

/** Puts a message in its slot, replacing whatever was scheduled under the same key. */
export function schedule(ctx: Context, message: ScheduledMessage): void {
  unschedule(ctx, (m) => m.key === message.key, undefined);
  ctx.s.scheduled.push(message);
  record(ctx, { type: 'message.scheduled', template: message.template, purpose: message.purpose, dueAt: message.dueAt });
}

/** Schedules a definition message triggered now. */
export function scheduleMessage(
  ctx: Context,
  key: string,
  message: Message,
  purpose: MessagePurpose,
  extra: Partial<ScheduledMessage> = {},
): void {
  schedule(ctx, {
    key,
    template: message.template,
    purpose,
    dueAt: dueAfterDelay(ctx, ctx.now, message.delay),
    channel: message.channel,
    pausable: false,
    ...extra,
  });
}

/** Removes scheduled messages matching `predicate`; with a reason, the timeline says why each was dropped. */
export function unschedule(ctx: Context, predicate: (message: ScheduledMessage) => boolean, reason: string | undefined): void {
  const kept: ScheduledMessage[] = [];
  for (const message of ctx.s.scheduled) {
    if (!predicate(message)) kept.push(message);
    else if (reason) record(ctx, { type: 'message.canceled', template: message.template, purpose: message.purpose, reason });
  }
  ctx.s.scheduled = kept;
}

/** Channels in fallback order: the message's preferred channel first, then the journey's order. */
export function channelOrder(ctx: Context, preferred: Channel | undefined): Channel[] {
  const order = ctx.s.definition.channels;
  return preferred && order.includes(preferred) ? [preferred, ...order.filter((c) => c !== preferred)] : order.slice();
}

/** True when at least one of the journey's channels may be used for this candidate. */
export function reachable(ctx: Context): boolean {
  return ctx.s.definition.channels.some((channel) => ctx.s.candidate.consent[channel]);
}

/** The instant a status update is owed after a message at `lastAt`, or undefined when nobody can be reached. */
export function silenceDeadline(ctx: Context, lastAt: number | undefined): number | undefined {
  if (lastAt === undefined || !reachable(ctx)) return undefined;
  const calendar = calendarOf(ctx);
  const deadline = addBusinessDays(lastAt, ctx.s.definition.maxSilence, calendar);
  // The same wall time n business days on is outside quiet hours except across DST oddities; go early then.
  return Math.max(lastAt, latestAllowedAtOrBefore(deadline, calendar));
}

/** True when `now` is inside the candidate's quiet hours. */
export function quietNow(ctx: Context): boolean {
  return isQuietTime(ctx.now, calendarOf(ctx));
}

/**
 * Hands a scheduled message to the workflow now: picks consented channels, assigns the id, and updates
 * what the promise tracks (last message, silence deadline, interview updates, follow-up cadence).
 */
export function dispatch(ctx: Context, message: ScheduledMessage): void {
  const s = ctx.s;
  s.scheduled = s.scheduled.filter((m) => m !== message);
  const tried = message.tried ?? [];
  const channels = (message.channels ?? channelOrder(ctx, message.channel)).filter((c) => s.candidate.consent[c] && !tried.includes(c));
  if (channels.length === 0) {
    record(ctx, { type: 'message.suppressed', template: message.template, purpose: message.purpose, reason: 'no consented channel left', messageId: message.messageId });
    return;
  }
  const attempt = message.attempt ?? 1;
  let messageId = message.messageId;
  if (messageId === undefined) {
    s.seq += 1;
    messageId = `${s.applicationId}:${message.template}:${s.seq}`;
  }
  ctx.commands.push({
    type: 'deliver',
    messageId,
    template: message.template,
    purpose: message.purpose,
    channels,
    locale: s.candidate.locale,
    notBefore: ctx.now,
    attempt,
    ...(message.questionId ? { questionId: message.questionId } : {}),
  });
  s.inFlight = [
    ...s.inFlight.filter((m) => m.messageId !== messageId),
    { messageId, template: message.template, purpose: message.purpose, channels, tried, attempt, sentAt: ctx.now, ...(message.questionId ? { questionId: message.questionId } : {}) },
  ];
  record(ctx, { type: 'message.dispatched', messageId, template: message.template, purpose: message.purpose, channel: channels[0], dueAt: message.dueAt });
  publish(ctx, 'message.dispatched', { messageId, template: message.template, channel: channels[0] });
  if (message.purpose === 'closing') {
    s.closingDispatched = true;
    s.closingSettleBy = ctx.now + CLOSING_SETTLE_MS;
  }
  if (attempt > 1) return;
  s.lastMessageAt = ctx.now;
  s.silenceDueAt = silenceDeadline(ctx, ctx.now);
  if (UPDATES_AFTER_INTERVIEW.has(message.purpose)) {
    const heardAfter = new Set(s.interviews.filter((i) => i.status !== 'canceled' && i.end <= ctx.now).map((i) => i.id));
    unschedule(ctx, (m) => m.purpose === 'interview-update' && m.interviewId !== undefined && heardAfter.has(m.interviewId), 'the candidate already heard from us after the interview');
  }
  if (message.purpose === 'follow-up' && message.stage) scheduleNextFollowUp(ctx, message.stage, (message.followUp ?? 1) + 1);
}

/** Schedules follow-up number `n` of the current stage, if the stage has a cadence and `n` is within `max`. */
export function scheduleNextFollowUp(ctx: Context, stage: NonNullable<JourneyState['stage']>, n: number): void {
  const followUp = ctx.s.definition.stages[stage].followUp;
  if (!followUp || (followUp.max !== undefined && n > followUp.max)) return;
  const every = parseDuration(followUp.every);
  if (!every) return;
  // A "still working on it" note reads best on a working morning, not at 08:00 on a Saturday. If that
  // pushes it past maxSilence the silence guard still speaks first, so the promise holds either way.
  const calendar = calendarOf(ctx);
  const at = addDuration(ctx, ctx.now, every);
  const dueAt = isQuietTime(at, calendar) || !isBusinessDay(at, calendar) ? nextBusinessMorning(at, calendar) : at;
  schedule(ctx, {
    key: `follow-up:${stage}`,
    template: followUp.template,
    purpose: 'follow-up',
    dueAt,
    channel: followUp.channel,
    pausable: true,
    stage,
    followUp: n,
  });
}

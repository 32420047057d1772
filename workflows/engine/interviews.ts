/**
 * Interview touchpoints: a confirmation when an interview is scheduled, reminders before it, an update
 * after it. A reschedule moves them; a cancellation removes them and tells the candidate.
 */
import { deferOutOfQuietHours, latestAllowedAtOrBefore } from './calendar';
import { alert, calendarOf, dueAfterDelay, publish, record, schedule, scheduleMessage, unschedule, addDuration, type Context } from './context';
import { parseDuration } from './duration';
import type { AtsEvent } from './inputs';
import type { InterviewRecord } from './state';

// Without an end time an interview is taken to last an hour.
const DEFAULT_INTERVIEW_MS = 3_600_000;

function ignore(ctx: Context, event: AtsEvent, reason: string): void {
  record(ctx, { type: 'event.ignored', eventId: event.id, eventType: event.type, reason });
}

function replaceInterview(ctx: Context, next: InterviewRecord): void {
  ctx.s.interviews = [...ctx.s.interviews.filter((i) => i.id !== next.id), next];
}

/** Schedules reminders and the after-interview update for an interview, replacing earlier ones. */
function scheduleTouchpoints(ctx: Context, interview: InterviewRecord): void {
  const touchpoints = ctx.s.definition.interview;
  const calendar = calendarOf(ctx);
  unschedule(ctx, (m) => m.interviewId === interview.id && (m.purpose === 'interview-reminder' || m.purpose === 'interview-update'), undefined);
  touchpoints.reminders.forEach((reminder, index) => {
    const before = parseDuration(reminder.before);
    if (before?.kind !== 'fixed') return;
    // Moving a reminder later could put it after the interview, so a quiet-hours reminder goes earlier.
    const dueAt = latestAllowedAtOrBefore(interview.start - before.ms, calendar);
    if (dueAt < ctx.now) {
      record(ctx, { type: 'message.canceled', template: reminder.template, purpose: 'interview-reminder', reason: 'scheduled too close to the interview for this reminder' });
      return;
    }
    schedule(ctx, {
      key: `interview:${interview.id}:reminder:${index}`,
      template: reminder.template,
      purpose: 'interview-reminder',
      dueAt,
      channel: reminder.channel,
      pausable: false,
      interviewId: interview.id,
    });
  });
  const within = parseDuration(touchpoints.after.within);
  const promisedBy = within ? addDuration(ctx, interview.end, within) : interview.end;
  const latest = latestAllowedAtOrBefore(promisedBy, calendar);
  schedule(ctx, {
    key: `interview:${interview.id}:after`,
    template: touchpoints.after.template,
    purpose: 'interview-update',
    dueAt: latest >= interview.end ? latest : deferOutOfQuietHours(interview.end, calendar),
    channel: touchpoints.after.channel,
    pausable: false,
    interviewId: interview.id,
  });
}

/** Applies an interview event (scheduled, rescheduled, canceled, completed). */
export function applyInterviewEvent(ctx: Context, event: AtsEvent): void {
  const info = event.interview;
  if (!info) return ignore(ctx, event, 'interview event without an interview');
  if (ctx.s.status !== 'open') return ignore(ctx, event, 'the journey is closing');
  const existing = ctx.s.interviews.find((i) => i.id === info.id);
  if (existing && event.time < existing.lastEventTime) return ignore(ctx, event, 'stale: older than the last event about this interview');
  const touchpoints = ctx.s.definition.interview;
  const end = info.end !== undefined && info.end > info.start ? info.end : info.start + DEFAULT_INTERVIEW_MS;

  switch (event.type) {
    case 'ats.interview.slots_offered':
      return offerSlots(ctx, info.id, event.id);
    case 'ats.interview.scheduled':
    case 'ats.interview.rescheduled': {
      if (existing?.status === 'completed') return ignore(ctx, event, 'the interview already took place');
      // An interview the candidate asked to move counts as booked: its new time goes out as a move, not a first booking.
      const active = existing?.status === 'scheduled' || existing?.status === 'moving';
      if (existing?.status === 'scheduled' && existing.start === info.start && existing.end === end) return ignore(ctx, event, 'the interview is already at this time');
      const interview: InterviewRecord = { id: info.id, start: info.start, end, status: 'scheduled', lastEventTime: event.time };
      replaceInterview(ctx, interview);
      record(ctx, { type: 'interview.scheduled', eventId: event.id, reason: active ? 'rescheduled' : 'scheduled' });
      if (active) {
        const notice = touchpoints.rescheduled ?? touchpoints.confirmation;
        unschedule(ctx, (m) => m.key === `interview:${info.id}:confirmation`, 'the interview moved before it was confirmed');
        scheduleMessage(ctx, `interview:${info.id}:rescheduled`, notice, 'interview-rescheduled', { interviewId: info.id });
      } else {
        scheduleMessage(ctx, `interview:${info.id}:confirmation`, touchpoints.confirmation, 'interview-confirmation', { interviewId: info.id });
      }
      scheduleTouchpoints(ctx, interview);
      return;
    }
    case 'ats.interview.canceled': {
      if (!existing || (existing.status !== 'scheduled' && existing.status !== 'moving')) return ignore(ctx, event, 'no scheduled interview with this id');
      replaceInterview(ctx, { ...existing, status: 'canceled', lastEventTime: event.time });
      record(ctx, { type: 'interview.canceled', eventId: event.id });
      unschedule(ctx, (m) => m.interviewId === info.id, 'the interview was canceled');
      scheduleMessage(ctx, `interview:${info.id}:canceled`, touchpoints.canceled, 'interview-canceled', { interviewId: info.id });
      return;
    }
    case 'ats.interview.completed': {
      if (!existing || (existing.status !== 'scheduled' && existing.status !== 'moving')) return ignore(ctx, event, 'no scheduled interview with this id');
      const completedAt = Math.min(existing.end, ctx.now);
      replaceInterview(ctx, { ...existing, end: completedAt, status: 'completed', lastEventTime: event.time });
      record(ctx, { type: 'interview.completed', eventId: event.id });
      unschedule(ctx, (m) => m.interviewId === info.id && m.purpose === 'interview-reminder', 'the interview already took place');
      // Thank the candidate now rather than at the deadline: this is when they wonder how it went.
      const pending = ctx.s.scheduled.find((m) => m.key === `interview:${info.id}:after`);
      if (pending) schedule(ctx, { ...pending, dueAt: Math.min(pending.dueAt, dueAfterDelay(ctx, ctx.now, undefined)) });
      return;
    }
    default:
      return ignore(ctx, event, 'not an interview event');
  }
}

/**
 * Interview slots were offered (by the ATS event or a recruiter through the API; the slots are in the store): the
 * candidate hears that they can pick one on their status page, when the definition has a message for it. One message
 * per offer (`offerId`); an offer while the journey is closing says nothing.
 */
export function offerSlots(ctx: Context, interviewId: string, offerId: string): void {
  if (ctx.s.status !== 'open') return;
  record(ctx, { type: 'interview.slots_offered', interviewId, reason: 'the candidate can choose a time on their status page' });
  const message = ctx.s.definition.interview.slotsOffered;
  if (message) scheduleMessage(ctx, `interview:${interviewId}:slots:${offerId}`, message, 'interview-slots', { interviewId });
}

/**
 * The candidate booked an offered slot (the store made sure nobody else has it): it becomes the interview's time, as if
 * the ATS had scheduled (or moved) it: a confirmation, reminders before it and the update after it follow the slot.
 * The ATS hears `interview.slot_chosen` so it can book the room and the interviewers.
 */
export function chooseSlot(ctx: Context, choice: { interviewId: string; slotId: string; start: number; end: number }): void {
  if (ctx.s.status !== 'open') {
    record(ctx, { type: 'event.ignored', interviewId: choice.interviewId, slotId: choice.slotId, eventType: 'interview.slot_chosen', reason: 'the journey is closing' });
    return;
  }
  const existing = ctx.s.interviews.find((i) => i.id === choice.interviewId);
  if (existing?.status === 'scheduled' && existing.start === choice.start && existing.end === choice.end) return;
  record(ctx, { type: 'interview.slot_chosen', interviewId: choice.interviewId, slotId: choice.slotId, dueAt: choice.start });
  publish(ctx, 'interview.slot_chosen', {
    interview: { interviewId: choice.interviewId, slotId: choice.slotId, start: new Date(choice.start).toISOString(), end: new Date(choice.end).toISOString() },
  });
  const lastEventTime = Math.max(ctx.now, existing?.lastEventTime ?? 0);
  const type = existing?.status === 'scheduled' || existing?.status === 'moving' ? 'ats.interview.rescheduled' : 'ats.interview.scheduled';
  applyInterviewEvent(ctx, { id: `slot:${choice.slotId}`, type, time: lastEventTime, interview: { id: choice.interviewId, start: choice.start, end: choice.end } });
}

/**
 * The candidate asked for another time (their note is in the store): the interview's reminders and its after-update
 * wait for the new time (a reminder of a time that does not work would be wrong), the recruiter is alerted and the
 * ATS hears `interview.reschedule_requested`. The never-silent promise keeps running meanwhile.
 */
export function requestReschedule(ctx: Context, interviewId: string, requestId: string): void {
  if (ctx.s.status !== 'open') return;
  const existing = ctx.s.interviews.find((i) => i.id === interviewId);
  record(ctx, { type: 'interview.reschedule_requested', interviewId, requestId, reason: 'the candidate asked for another time' });
  publish(ctx, 'interview.reschedule_requested', { interview: { interviewId, requestId } });
  alert(ctx, 'reschedule-requested');
  if (existing?.status === 'scheduled') {
    replaceInterview(ctx, { ...existing, status: 'moving', lastEventTime: Math.max(ctx.now, existing.lastEventTime) });
    unschedule(ctx, (m) => m.interviewId === interviewId && m.purpose !== 'interview-canceled' && m.purpose !== 'interview-slots', 'the candidate asked for another time');
  }
}

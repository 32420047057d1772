/**
 * Interview touchpoints: a confirmation when an interview is scheduled, reminders before it, an update
 * after it. A reschedule moves them; a cancellation removes them and tells the candidate.
 */
import { deferOutOfQuietHours, latestAllowedAtOrBefore } from './calendar';
import { calendarOf, dueAfterDelay, record, schedule, scheduleMessage, unschedule, addDuration, type Context } from './context';
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
    case 'ats.interview.scheduled':
    case 'ats.interview.rescheduled': {
      if (existing?.status === 'completed') return ignore(ctx, event, 'the interview already took place');
      const active = existing?.status === 'scheduled';
      if (active && existing.start === info.start && existing.end === end) return ignore(ctx, event, 'the interview is already at this time');
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
      if (!existing || existing.status !== 'scheduled') return ignore(ctx, event, 'no scheduled interview with this id');
      replaceInterview(ctx, { ...existing, status: 'canceled', lastEventTime: event.time });
      record(ctx, { type: 'interview.canceled', eventId: event.id });
      unschedule(ctx, (m) => m.interviewId === info.id, 'the interview was canceled');
      scheduleMessage(ctx, `interview:${info.id}:canceled`, touchpoints.canceled, 'interview-canceled', { interviewId: info.id });
      return;
    }
    case 'ats.interview.completed': {
      if (!existing || existing.status !== 'scheduled') return ignore(ctx, event, 'no scheduled interview with this id');
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

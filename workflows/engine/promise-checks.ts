/**
 * Checks that a structurally valid definition can keep the promise in docs/architecture.md. A definition that
 * parses but would, say, stay silent longer than `maxSilence` by design is rejected with the reason.
 */
import { clockMinutes } from './calendar';
import type { DefinitionError, JourneyDefinition, Message } from './definition';
import { durationInBusinessDays, parseDuration } from './duration';

const DAY_MS = 86_400_000;
const MIN_SENDING_WINDOW_MINUTES = 60;
const MAX_REMINDER_LEAD_MS = 14 * DAY_MS;

/** Every message in a definition with its path, in a stable order. */
export function messagesWithPaths(definition: JourneyDefinition): { path: string; message: Message }[] {
  const out: { path: string; message: Message }[] = [{ path: 'statusUpdate', message: definition.statusUpdate }];
  for (const [name, stage] of Object.entries(definition.stages)) {
    stage.onEnter.forEach((message, index) => out.push({ path: `stages.${name}.onEnter[${index}]`, message }));
    if (stage.followUp) out.push({ path: `stages.${name}.followUp`, message: stage.followUp });
  }
  if (definition.stages.rejected.positionClosed) out.push({ path: 'stages.rejected.positionClosed', message: definition.stages.rejected.positionClosed });
  const interview = definition.interview;
  out.push({ path: 'interview.confirmation', message: interview.confirmation });
  interview.reminders.forEach((message, index) => out.push({ path: `interview.reminders[${index}]`, message }));
  if (interview.rescheduled) out.push({ path: 'interview.rescheduled', message: interview.rescheduled });
  if (interview.slotsOffered) out.push({ path: 'interview.slotsOffered', message: interview.slotsOffered });
  out.push({ path: 'interview.canceled', message: interview.canceled });
  out.push({ path: 'interview.after', message: interview.after });
  return out;
}

/** The reasons a parsed definition cannot keep the promise; empty when it can. */
export function promiseProblems(definition: JourneyDefinition): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const fail = (path: string, message: string): void => {
    errors.push({ path, message });
  };
  const maxSilence = definition.maxSilence;

  // 1. Acknowledged.
  const ackWithin = parseDuration(definition.ackWithin);
  const ackMs = ackWithin?.kind === 'fixed' ? ackWithin.ms : 0;
  if (ackMs <= 0) fail('ackWithin', 'must be longer than zero');
  if (ackMs > DAY_MS) fail('ackWithin', `${definition.ackWithin} is over 1 day; an acknowledgement that late is not one`);
  const ack = definition.stages.applied.onEnter[0];
  if (!ack) {
    fail('stages.applied.onEnter', 'needs an acknowledgement message: the first message must go within ackWithin');
  } else if (ack.delay !== undefined) {
    const delay = typeof ack.delay === 'string' ? parseDuration(ack.delay) : undefined;
    if (delay?.kind !== 'fixed' || delay.ms > ackMs) {
      fail('stages.applied.onEnter[0].delay', `the acknowledgement must go within ackWithin (${definition.ackWithin}); this delay is later`);
    }
  }

  // 2. Never silent.
  for (const [name, stage] of Object.entries(definition.stages)) {
    stage.onEnter.forEach((message, index) => {
      if (typeof message.delay !== 'string') return;
      const delay = parseDuration(message.delay);
      if (delay && durationInBusinessDays(delay) > maxSilence) {
        fail(`stages.${name}.onEnter[${index}].delay`, `${message.delay} is longer than maxSilence (${maxSilence} business days); a status update would always go first`);
      }
    });
    const followUp = stage.followUp;
    if (followUp) {
      const every = parseDuration(followUp.every);
      if (every && durationInBusinessDays(every) > maxSilence) {
        fail(`stages.${name}.followUp.every`, `cadence ${followUp.every} is longer than maxSilence (${maxSilence} business days); the candidate would wait longer than promised`);
      }
      if (every && ((every.kind === 'fixed' && every.ms < 3_600_000) || (every.kind === 'business' && every.days < 1))) {
        fail(`stages.${name}.followUp.every`, 'a follow-up cadence under 1 hour would flood the candidate');
      }
      if (followUp.delay !== undefined) fail(`stages.${name}.followUp.delay`, 'follow-ups are timed by "every"; remove the delay');
    }
  }
  const within = parseDuration(definition.interview.after.within);
  if (within && durationInBusinessDays(within) > maxSilence) {
    fail('interview.after.within', `${definition.interview.after.within} is longer than maxSilence (${maxSilence} business days)`);
  }
  if (definition.statusUpdate.delay !== undefined) fail('statusUpdate.delay', 'the status update goes exactly when maxSilence runs out; remove the delay');

  // 3. Never ghosted.
  for (const terminal of ['rejected', 'hired', 'withdrawn'] as const) {
    if (definition.stages[terminal].onEnter.length === 0) {
      fail(`stages.${terminal}.onEnter`, `a terminal stage needs a closing message; every ${terminal} candidate must hear from us`);
    }
    if (definition.stages[terminal].followUp) fail(`stages.${terminal}.followUp`, 'a closed journey sends no follow-ups');
  }
  definition.interview.reminders.forEach((reminder, index) => {
    const before = parseDuration(reminder.before);
    if (before?.kind === 'fixed' && (before.ms <= 0 || before.ms > MAX_REMINDER_LEAD_MS)) {
      fail(`interview.reminders[${index}].before`, 'a reminder must come between 1 minute and 14 days before the interview');
    }
    if (reminder.delay !== undefined) fail(`interview.reminders[${index}].delay`, 'reminders are timed by "before"; remove the delay');
  });
  if (definition.interview.reminders.length === 0) fail('interview.reminders', 'every interview needs at least one reminder before it');
  if (definition.interview.after.delay !== undefined) fail('interview.after.delay', 'the update is timed by "within"; remove the delay');

  // 4. Respectful.
  const quietStart = clockMinutes(definition.quietHours.start);
  const quietEnd = clockMinutes(definition.quietHours.end);
  if (quietStart === quietEnd) {
    fail('quietHours', 'start and end are the same time, so quiet hours would cover the whole day and nothing could ever be sent');
  } else {
    const quietLength = (quietEnd - quietStart + 1440) % 1440;
    if (1440 - quietLength < MIN_SENDING_WINDOW_MINUTES) {
      fail('quietHours', `leaves ${1440 - quietLength} minutes a day to send in; at least ${MIN_SENDING_WINDOW_MINUTES} are needed`);
    }
    const morning = clockMinutes(definition.businessMorning);
    const inQuiet = quietStart < quietEnd ? morning >= quietStart && morning < quietEnd : morning >= quietStart || morning < quietEnd;
    if (inQuiet) fail('businessMorning', `${definition.businessMorning} is inside quiet hours (${definition.quietHours.start}–${definition.quietHours.end})`);
  }
  if (new Set(definition.businessDays).size !== definition.businessDays.length) fail('businessDays', 'lists a day twice');
  if (new Set(definition.channels).size !== definition.channels.length) fail('channels', 'lists a channel twice');

  // Consistency of messages.
  const seen = new Map<string, string>();
  for (const { path, message } of messagesWithPaths(definition)) {
    const first = seen.get(message.template);
    if (first) fail(`${path}.template`, `template "${message.template}" is already used at ${first}; each message needs its own key`);
    else seen.set(message.template, path);
    if (message.channel && !definition.channels.includes(message.channel)) {
      fail(`${path}.channel`, `channel "${message.channel}" is not one of the journey's channels (${definition.channels.join(', ')})`);
    }
    if (message.text && !(definition.defaultLocale in message.text)) {
      fail(`${path}.text`, `has no text for the default locale "${definition.defaultLocale}"`);
    }
  }
  return errors;
}

import { addBusinessDays, decide, initialState, makeCalendar, nextWakeUp, type JourneyState } from '../../../workflows/engine';
import { toLocal } from '../../../workflows/engine/time-zone';
import { DAY, Driver, HOUR, delivers, minimalRaw, mustValidate, utc } from './fixtures';

const definition = mustValidate(minimalRaw());
const TZ = 'Europe/Stockholm';
const calendar = makeCalendar(TZ, definition);
const MONDAY_10 = utc('2025-03-03T09:00'); // Monday 10:00 in Stockholm
const clock = (t: number) => {
  const l = toLocal(t, TZ);
  return `${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][l.weekday - 1]} ${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
};

function started(at = MONDAY_10, candidate: { email?: boolean; sms?: boolean } = {}): Driver {
  const driver = new Driver(definition, { timeZone: TZ, ...candidate });
  driver.ats({ type: 'ats.application.created' }, at);
  return driver;
}

describe('decide: acknowledgement', () => {
  it('acknowledges at once with a deterministic, personal-data-free id on consented channels in order', () => {
    const driver = new Driver(definition, { timeZone: TZ });
    const commands = driver.ats({ type: 'ats.application.created' }, MONDAY_10);
    expect(delivers(commands)).toEqual([
      { type: 'deliver', messageId: 'app-1:applied.ack:1', template: 'applied.ack', purpose: 'ack', channels: ['email', 'sms'], locale: 'en', notBefore: MONDAY_10, attempt: 1 },
    ]);
    expect(commands).toContainEqual(expect.objectContaining({ type: 'publishEvent', eventType: 'message.dispatched', messageId: 'app-1:applied.ack:1' }));
    // The next thing owed is the status update, five business days on, unless something else goes first.
    expect(nextWakeUp(driver.state)).toBe(utc('2025-03-10T09:00'));
  });

  it('holds an application that arrives at night until quiet hours end, then acknowledges', () => {
    const night = utc('2025-03-03T22:30'); // 23:30 local
    const driver = new Driver(definition, { timeZone: TZ });
    expect(delivers(driver.ats({ type: 'ats.application.created' }, night))).toEqual([]);
    expect(clock(nextWakeUp(driver.state)!)).toBe('Tue 08:00');
    expect(delivers(driver.advance(night + 12 * HOUR)).map((d) => [d.template, clock(d.notBefore)])).toEqual([['applied.ack', 'Tue 08:00']]);
  });

  it('starts the journey from whatever event arrives first, so a lost created event still gets an acknowledgement', () => {
    const driver = new Driver(definition, { timeZone: TZ });
    const commands = driver.ats({ type: 'ats.application.stage_changed', stage: 'screening' }, MONDAY_10);
    expect(delivers(commands).map((d) => d.template)).toEqual(['applied.ack', 'screening.started']);
  });
});

describe('decide: events arrive twice and out of order', () => {
  it('drops a duplicate event id and says so in the timeline', () => {
    const driver = started();
    driver.ats({ id: 'stage-1', type: 'ats.application.stage_changed', stage: 'screening' }, MONDAY_10 + HOUR);
    const again = driver.ats({ id: 'stage-1', type: 'ats.application.stage_changed', stage: 'screening' }, MONDAY_10 + 2 * HOUR);
    expect(again).toEqual([]);
    expect(driver.state.timeline.at(-1)).toMatchObject({ type: 'event.ignored', eventId: 'stage-1', reason: expect.stringContaining('duplicate') });
  });

  it('ignores a stage change older than the last applied one, recording why', () => {
    const driver = started();
    driver.ats({ type: 'ats.application.stage_changed', stage: 'interview' }, MONDAY_10 + 2 * HOUR);
    const stale = driver.ats({ type: 'ats.application.stage_changed', stage: 'screening', time: MONDAY_10 + HOUR }, MONDAY_10 + 3 * HOUR);
    expect(delivers(stale)).toEqual([]);
    expect(driver.state.stage).toBe('interview');
    expect(driver.state.timeline.at(-1)).toMatchObject({ type: 'event.ignored', reason: expect.stringContaining('stale') });
  });

  it('remembers seen ids across continueAsNew (the state is plain JSON) and bounds them', () => {
    const driver = started();
    driver.ats({ id: 'x-1', type: 'ats.candidate.updated', candidate: { locale: 'sv' } }, MONDAY_10 + HOUR);
    const carried = JSON.parse(JSON.stringify(driver.state)) as JourneyState;
    const replay = decide(carried, { kind: 'ats', event: { id: 'x-1', type: 'ats.candidate.updated', time: MONDAY_10 + HOUR } }, MONDAY_10 + 2 * HOUR);
    expect(replay.state.timeline.at(-1)).toMatchObject({ reason: expect.stringContaining('duplicate') });

    let state = carried;
    for (let i = 0; i < 1500; i++) state = decide(state, { kind: 'ats', event: { id: `u-${i}`, type: 'ats.candidate.updated', time: MONDAY_10 + HOUR } }, MONDAY_10 + HOUR).state;
    expect(state.seenEventIds).toHaveLength(1000);
    expect(state.seenEventIds.at(-1)).toBe('u-1499');
  });

  it('never mutates the state it is given', () => {
    const driver = started();
    const before = JSON.stringify(driver.state);
    const frozen = deepFreeze(JSON.parse(before) as JourneyState);
    decide(frozen, { kind: 'ats', event: { id: 'z', type: 'ats.application.rejected', time: MONDAY_10 + HOUR } }, MONDAY_10 + HOUR);
    decide(frozen, { kind: 'reply', channel: 'sms', text: 'STOP' }, MONDAY_10 + HOUR);
    decide(frozen, { kind: 'timer' }, MONDAY_10 + 30 * DAY);
    expect(JSON.stringify(frozen)).toBe(before);
  });
});

describe('decide: never silent', () => {
  it('sends a status update and alerts the recruiter exactly when maxSilence runs out', () => {
    const driver = started();
    const deadline = addBusinessDays(MONDAY_10, 5, calendar);
    expect(delivers(driver.advance(deadline - 1))).toEqual([]);
    const commands = driver.advance(deadline);
    expect(delivers(commands).map((d) => d.template)).toEqual(['status.update']);
    expect(commands).toContainEqual(expect.objectContaining({ type: 'alertRecruiter', reason: 'max-silence' }));
    expect(commands).toContainEqual(expect.objectContaining({ type: 'publishEvent', eventType: 'sla.breached', reason: 'max-silence' }));
  });

  it('lets a follow-up keep the promise instead, so no status update is needed', () => {
    const driver = started();
    driver.ats({ type: 'ats.application.stage_changed', stage: 'screening' }, MONDAY_10 + HOUR);
    driver.advance(MONDAY_10 + 20 * DAY);
    const templates = driver.deliveries().map((d) => d.command.template);
    expect(templates.filter((t) => t === 'screening.follow-up').length).toBeGreaterThanOrEqual(4);
    expect(templates).not.toContain('status.update');
  });
});

describe('decide: never ghosted', () => {
  it('sends the rejection on the next business morning, then completes once it is delivered', () => {
    const driver = started();
    const friday16 = utc('2025-03-07T15:00');
    expect(delivers(driver.ats({ type: 'ats.application.rejected' }, friday16))).toEqual([]);
    const [closing] = delivers(driver.advance(utc('2025-03-10T08:30')));
    expect(closing).toMatchObject({ template: 'rejected.closing', purpose: 'closing' });
    expect(clock(closing!.notBefore)).toBe('Mon 09:00');
    const done = driver.send({ kind: 'delivery', messageId: closing!.messageId, channel: 'email', status: 'delivered' }, closing!.notBefore + 60_000);
    expect(done).toContainEqual({ type: 'complete', outcome: 'rejected' });
    expect(driver.state.status).toBe('completed');
    expect(nextWakeUp(driver.state)).toBeUndefined();
  });

  it('reverses a rejection corrected before the closing message went, and closes on the final outcome', () => {
    const driver = started();
    driver.ats({ type: 'ats.application.rejected' }, utc('2025-03-04T14:00'));
    driver.ats({ type: 'ats.application.stage_changed', stage: 'interview' }, utc('2025-03-04T14:10'));
    expect(driver.state.status).toBe('open');
    driver.advance(utc('2025-03-06T12:00'));
    expect(driver.deliveries().map((d) => d.command.template)).not.toContain('rejected.closing');
    const hired = driver.ats({ type: 'ats.offer.accepted' }, utc('2025-03-06T12:00'));
    expect(delivers(hired).map((d) => d.template)).toEqual(['hired.welcome']);
  });

  it('uses the position-closed message when the position closed', () => {
    const driver = started();
    const closed = driver.ats({ type: 'ats.application.rejected', positionClosed: true }, MONDAY_10 + HOUR);
    expect(driver.state.outcome).toBe('position-closed');
    expect(delivers(closed).map((d) => d.template)).toEqual(['rejected.position-closed']);
  });

  it('completes after a day even if no delivery result ever arrives', () => {
    const driver = started();
    driver.ats({ type: 'ats.application.withdrawn' }, MONDAY_10 + HOUR);
    expect(driver.state.status).toBe('closing');
    const commands = driver.advance(MONDAY_10 + 2 * DAY);
    expect(commands).toContainEqual({ type: 'complete', outcome: 'withdrawn' });
  });

  it('ends an erased candidate at once, without contacting them again', () => {
    const driver = started();
    const commands = driver.ats({ type: 'ats.candidate.erased' }, MONDAY_10 + HOUR);
    expect(delivers(commands)).toEqual([]);
    expect(commands).toContainEqual({ type: 'complete', outcome: 'erased' });
    expect(driver.state.candidate.consent).toEqual({ email: false, sms: false });
  });
});

describe('decide: interviews', () => {
  const start = utc('2025-03-12T13:00'); // Wednesday 14:00 local

  it('confirms, reminds 24 h (e-mail) and 2 h (SMS) before, and updates after', () => {
    const driver = started();
    const scheduled = driver.ats({ type: 'ats.interview.scheduled', interview: { id: 'i-1', start, end: start + HOUR } }, MONDAY_10 + HOUR);
    expect(delivers(scheduled).map((d) => d.template)).toEqual(['interview.confirmed']);
    driver.advance(start + 3 * DAY);
    const sent = driver.deliveries().map((d) => [d.command.template, clock(d.at), d.command.channels[0]]);
    expect(sent).toEqual(
      expect.arrayContaining([
        ['interview.reminder-day', 'Tue 14:00', 'email'],
        ['interview.reminder-soon', 'Wed 12:00', 'sms'],
        ['interview.thanks', 'Thu 15:00', 'email'],
      ]),
    );
  });

  it('moves reminders with each reschedule and removes them on cancellation, telling the candidate', () => {
    const driver = started();
    driver.ats({ type: 'ats.interview.scheduled', interview: { id: 'i-1', start } }, MONDAY_10 + HOUR);
    driver.ats({ type: 'ats.interview.rescheduled', interview: { id: 'i-1', start: start + DAY } }, MONDAY_10 + 2 * HOUR);
    const second = driver.ats({ type: 'ats.interview.rescheduled', interview: { id: 'i-1', start: start + 2 * DAY } }, MONDAY_10 + 3 * HOUR);
    // Without a `rescheduled` message the confirmation goes again, now with the new time.
    expect(delivers(second).map((d) => d.template)).toEqual(['interview.confirmed']);
    const reminders = driver.state.scheduled.filter((m) => m.purpose === 'interview-reminder').map((m) => m.dueAt);
    expect(reminders).toEqual([start + 2 * DAY - 24 * HOUR, start + 2 * DAY - 2 * HOUR]);

    const canceled = driver.ats({ type: 'ats.interview.canceled', interview: { id: 'i-1', start: start + 2 * DAY } }, MONDAY_10 + 4 * HOUR);
    expect(delivers(canceled).map((d) => d.template)).toEqual(['interview.canceled']);
    driver.advance(start + 5 * DAY);
    const later = driver.deliveries().filter((d) => d.at > MONDAY_10 + 4 * HOUR).map((d) => d.command.purpose);
    expect(later).not.toContain('interview-reminder');
    expect(later).not.toContain('interview-update');
  });

  it('moves a reminder that would fall in quiet hours to the evening before, not past the interview', () => {
    const early = utc('2025-03-12T08:30'); // 09:30 local: the 2 h reminder (07:30) is inside quiet hours
    const driver = started();
    driver.ats({ type: 'ats.interview.scheduled', interview: { id: 'i-2', start: early } }, MONDAY_10);
    const soon = driver.state.scheduled.find((m) => m.template === 'interview.reminder-soon');
    expect(clock(soon!.dueAt)).toBe('Tue 20:59');
  });

  it('sends the update as soon as the ATS says the interview is over', () => {
    const driver = started();
    driver.ats({ type: 'ats.interview.scheduled', interview: { id: 'i-1', start, end: start + HOUR } }, MONDAY_10 + HOUR);
    const completed = driver.ats({ type: 'ats.interview.completed', interview: { id: 'i-1', start } }, start + HOUR + 10 * 60_000);
    expect(delivers(completed).map((d) => d.template)).toEqual(['interview.thanks']);
  });
});

describe('decide: respectful', () => {
  it('honours SMS STOP for the very next message', () => {
    const driver = started();
    const reply = driver.send({ kind: 'reply', channel: 'sms', text: ' stop ' }, MONDAY_10 + HOUR);
    expect(reply).toContainEqual(expect.objectContaining({ type: 'publishEvent', eventType: 'candidate.opted_out', channel: 'sms' }));
    const next = driver.ats({ type: 'ats.application.stage_changed', stage: 'screening' }, MONDAY_10 + HOUR + 1);
    expect(delivers(next)[0]?.channels).toEqual(['email']);
  });

  it('suppresses messages when no channel is left, and stops the silence clock instead of looping', () => {
    const driver = started();
    driver.send({ kind: 'reply', channel: 'sms', text: 'STOP' }, MONDAY_10 + HOUR);
    driver.send({ kind: 'reply', channel: 'email', text: 'please unsubscribe me', optOut: true }, MONDAY_10 + HOUR);
    const next = driver.ats({ type: 'ats.application.stage_changed', stage: 'screening' }, MONDAY_10 + 2 * HOUR);
    expect(delivers(next)).toEqual([]);
    expect(driver.state.timeline).toContainEqual(expect.objectContaining({ type: 'message.suppressed', template: 'screening.started' }));
    expect(driver.state.silenceDueAt).toBeUndefined();
  });

  it('defers a recruiter send-now at night to the morning', () => {
    const driver = started();
    const night = utc('2025-03-04T21:00'); // 22:00 local
    expect(delivers(driver.send({ kind: 'recruiter', recruiter: { action: 'sendNow', template: 'custom.note' } }, night))).toEqual([]);
    const [sent] = delivers(driver.advance(night + 12 * HOUR));
    expect(sent).toMatchObject({ template: 'custom.note', purpose: 'recruiter' });
    expect(clock(sent!.notBefore)).toBe('Wed 08:00');
  });
});

describe('decide: once, with fallback', () => {
  it('falls back to the next channel under the same id, then alerts the recruiter when all failed', () => {
    const driver = started();
    const ack = driver.deliveries()[0]!.command;
    const fallback = driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'email', status: 'failed', reason: 'bounced' }, MONDAY_10 + 60_000);
    expect(delivers(fallback)).toEqual([expect.objectContaining({ messageId: ack.messageId, channels: ['sms'], attempt: 2 })]);
    const failed = driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'sms', status: 'failed', reason: 'unreachable' }, MONDAY_10 + 120_000);
    expect(failed).toContainEqual(expect.objectContaining({ type: 'alertRecruiter', reason: 'all-channels-failed', messageId: ack.messageId }));
    // A late duplicate result changes nothing.
    expect(driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'sms', status: 'failed' }, MONDAY_10 + 180_000)).toEqual([]);
  });
});

describe('decide: late failures after the provider accepted', () => {
  it('falls back when an accepted SMS is later reported undelivered, and when a delivered e-mail bounces', () => {
    const driver = started();
    const ack = driver.deliveries()[0]!.command;
    expect(driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'email', status: 'accepted' }, MONDAY_10 + 60_000)).toEqual([]);
    expect(driver.state.timeline.at(-1)).toMatchObject({ type: 'message.sent', messageId: ack.messageId, channel: 'email' });
    // The provider's later word: delivered, then (an asynchronous bounce) failed.
    driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'email', status: 'delivered' }, MONDAY_10 + 2 * 60_000);
    expect(driver.state.timeline.at(-1)).toMatchObject({ type: 'message.delivered', messageId: ack.messageId });
    const bounced = driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'email', status: 'failed', reason: 'Bounced: mailbox full' }, MONDAY_10 + HOUR);
    expect(delivers(bounced)).toEqual([expect.objectContaining({ messageId: ack.messageId, channels: ['sms'], attempt: 2 })]);
    expect(driver.state.timeline).toContainEqual(expect.objectContaining({ type: 'message.failed', channel: 'email', reason: 'Bounced: mailbox full (after the provider reported it delivered)' }));
    // The SMS is accepted, then reported undelivered: every channel failed, so the recruiter hears of it.
    driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'sms', status: 'accepted' }, MONDAY_10 + HOUR + 60_000);
    const undelivered = driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'sms', status: 'failed', reason: 'Undelivered: 30003' }, MONDAY_10 + 2 * HOUR);
    expect(undelivered).toContainEqual(expect.objectContaining({ type: 'alertRecruiter', reason: 'all-channels-failed', messageId: ack.messageId }));
  });

  it('says nothing new for a repeated "accepted" or "delivered", and forgets a message once the receipt window has passed', () => {
    const driver = started();
    const ack = driver.deliveries()[0]!.command;
    driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'email', status: 'accepted' }, MONDAY_10 + 60_000);
    const entries = driver.state.timeline.length;
    expect(driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'email', status: 'accepted' }, MONDAY_10 + 2 * 60_000)).toEqual([]);
    expect(driver.state.timeline).toHaveLength(entries);
    driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'email', status: 'delivered' }, MONDAY_10 + 3 * 60_000);
    expect(driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'email', status: 'delivered' }, MONDAY_10 + 4 * 60_000)).toEqual([]);
    expect(driver.state.timeline.filter((e) => e.type === 'message.delivered')).toHaveLength(1);
    // Four days on, a bounce is too late to act on: recorded as ignored, no fallback.
    const tooLate = driver.send({ kind: 'delivery', messageId: ack.messageId, channel: 'email', status: 'failed', reason: 'Bounced' }, MONDAY_10 + 4 * DAY);
    expect(delivers(tooLate)).toEqual([]);
    expect(driver.state.inFlight).toEqual([]);
    expect(driver.state.timeline.at(-1)).toMatchObject({ type: 'event.ignored', messageId: ack.messageId, reason: 'no message in flight on this channel' });
  });

  it("keeps a rejected candidate's journey open until the accepted closing message is delivered, or the settle deadline", () => {
    const driver = started();
    for (const d of driver.deliveries()) driver.send({ kind: 'delivery', messageId: d.command.messageId, channel: d.command.channels[0]!, status: 'delivered' }, MONDAY_10 + 60_000);
    driver.ats({ type: 'ats.application.rejected' }, MONDAY_10 + HOUR);
    // The closing message may wait for a kind hour; step the clock wake-up by wake-up until it goes.
    const closingOf = () => driver.deliveries().map((d) => d.command).find((c) => c.purpose === 'closing');
    for (let guard = 0; !closingOf() && guard < 20; guard++) driver.advance(nextWakeUp(driver.state)!);
    const closingCommand = closingOf()!;
    expect(closingCommand).toBeDefined();
    driver.send({ kind: 'delivery', messageId: closingCommand.messageId, channel: closingCommand.channels[0]!, status: 'accepted' }, closingCommand.notBefore + 60_000);
    expect(driver.state.status).toBe('closing');
    driver.send({ kind: 'delivery', messageId: closingCommand.messageId, channel: closingCommand.channels[0]!, status: 'delivered' }, closingCommand.notBefore + 120_000);
    expect(driver.state.status).toBe('completed');
    // Without a receipt, the settle deadline (a day) ends it.
    const silent = started();
    silent.ats({ type: 'ats.application.rejected' }, MONDAY_10 + HOUR);
    const silentClosing = () => silent.deliveries().map((d) => d.command).find((c) => c.purpose === 'closing');
    for (let guard = 0; !silentClosing() && guard < 20; guard++) silent.advance(nextWakeUp(silent.state)!);
    const sent = silentClosing()!;
    silent.send({ kind: 'delivery', messageId: sent.messageId, channel: sent.channels[0]!, status: 'accepted' }, sent.notBefore + 60_000);
    silent.advance(sent.notBefore + DAY - 60_000);
    expect(silent.state.status).toBe('closing');
    silent.advance(sent.notBefore + DAY + 1);
    expect(silent.state.status).toBe('completed');
  });
});

describe('decide: recruiter actions and upgrades', () => {
  it('holds stage messages while paused and sends them on resume; promise messages still go', () => {
    const driver = started();
    driver.send({ kind: 'recruiter', recruiter: { action: 'pause' } }, MONDAY_10 + HOUR);
    expect(delivers(driver.ats({ type: 'ats.application.stage_changed', stage: 'screening' }, MONDAY_10 + 2 * HOUR))).toEqual([]);
    expect(delivers(driver.ats({ type: 'ats.interview.scheduled', interview: { id: 'i', start: MONDAY_10 + 4 * DAY } }, MONDAY_10 + 3 * HOUR)).map((d) => d.template)).toEqual(['interview.confirmed']);
    const resumed = driver.send({ kind: 'recruiter', recruiter: { action: 'resume' } }, MONDAY_10 + 5 * HOUR);
    expect(delivers(resumed).map((d) => d.template)).toEqual(['screening.started']);
  });

  it('applies a new definition version at the next stage change, not before', () => {
    const v2 = mustValidate({
      ...minimalRaw(),
      stages: { ...(minimalRaw().stages as object), interview: { onEnter: [{ template: 'interview.invited-v2' }] } },
    });
    const driver = started();
    driver.send({ kind: 'upgrade', definition: v2, version: 'v2' }, MONDAY_10 + HOUR);
    expect(driver.state.definitionVersion).toBe('v1');
    const next = driver.ats({ type: 'ats.application.stage_changed', stage: 'interview' }, MONDAY_10 + 2 * HOUR);
    expect(driver.state.definitionVersion).toBe('v2');
    expect(delivers(next).map((d) => d.template)).toEqual(['interview.invited-v2']);
  });

  it('alerts the recruiter once when a candidate waits in one stage too long', () => {
    const alerting = mustValidate({ ...minimalRaw(), alerts: { waitingOverDays: 3 } });
    const driver = new Driver(alerting, { timeZone: TZ });
    driver.ats({ type: 'ats.application.created' }, MONDAY_10);
    driver.advance(MONDAY_10 + 10 * DAY);
    const waiting = driver.log.filter((e) => e.command.type === 'alertRecruiter' && e.command.reason === 'waiting');
    expect(waiting.map((e) => e.at)).toEqual([MONDAY_10 + 3 * DAY]);
  });

  it('does nothing before the journey starts and after it completes', () => {
    const fresh = initialState({ applicationId: 'a', definition, definitionVersion: 'v1' });
    expect(decide(fresh, { kind: 'timer' }, MONDAY_10).commands).toEqual([]);
    expect(nextWakeUp(fresh)).toBeUndefined();
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Webhooks have no order and vendors retry: a stage change, an interview or a candidate update can arrive
 * before `ats.application.created`, and contact details can come with any of them. fast-check plays every
 * arrival order of a realistic event set (with random gaps, start times and which events carry contact
 * details) through the real engine and checks what the candidate gets: one acknowledgement, on a channel
 * they can be reached on, within ackWithin of the moment they first could be (or at the end of quiet hours),
 * and messages written with the details whichever event brought them.
 */
import fc from 'fast-check';
import {
  decide,
  deferOutOfQuietHours,
  initialState,
  makeCalendar,
  nextWakeUp,
  type AtsEvent,
  type Command,
  type DeliverCommand,
  messagesWithPaths,
  type Input,
  type JourneyState,
} from '../../../workflows/engine';
import { CONTACT_WAIT_MS } from '../../../workflows/engine/decide';
import { parseDuration } from '../../../workflows/engine/duration';
import { DAY, HOUR, loadJourney } from './fixtures';

const MINUTE = 60_000;
const definition = loadJourney('default-en');
const ACK_MS = (parseDuration(definition.ackWithin) as { ms: number }).ms;

type Kind = 'created' | 'screening' | 'interview-scheduled' | 'updated' | 'interview-stage' | 'rejected';
type Profile = NonNullable<AtsEvent['candidate']>;

/** Who carries what: the locale comes only with `created`, the time zone only with `updated`; consent varies. */
const contactArb = fc.constantFrom<{ created: Profile; updated: Profile }>(
  { created: { locale: 'sv-SE', consent: { email: true } }, updated: { timeZone: 'Europe/Stockholm', consent: { sms: true } } },
  { created: { locale: 'sv-SE', consent: { email: true, sms: true } }, updated: { timeZone: 'Europe/Stockholm' } },
  { created: { locale: 'sv-SE' }, updated: { timeZone: 'Europe/Stockholm', consent: { email: true } } },
  { created: { locale: 'sv-SE', consent: { sms: true, email: false } }, updated: { timeZone: 'Europe/Stockholm', consent: { email: true } } },
);

const scenarioArb = fc
  .record({
    start: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 5, 1) }),
    withRejection: fc.boolean(),
    contact: contactArb,
    order: fc.shuffledSubarray<Kind>(['created', 'screening', 'interview-scheduled', 'updated', 'interview-stage', 'rejected'], { minLength: 6, maxLength: 6 }),
    gapsMinutes: fc.array(fc.integer({ min: 0, max: 240 }), { minLength: 6, maxLength: 6 }),
  })
  .map((s) => ({ ...s, order: s.withRejection ? s.order : s.order.filter((k) => k !== 'rejected') }));
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** The ATS event of a kind: ATS times follow the real order (created first, the rejection last). */
function eventOf(kind: Kind, scenario: Scenario): AtsEvent {
  const t = scenario.start;
  switch (kind) {
    case 'created':
      return { id: 'created', type: 'ats.application.created', time: t, candidate: scenario.contact.created };
    case 'screening':
      return { id: 'screening', type: 'ats.application.stage_changed', time: t + MINUTE, stage: 'screening' };
    case 'interview-scheduled':
      return { id: 'interview', type: 'ats.interview.scheduled', time: t + 2 * MINUTE, interview: { id: 'i1', start: t + 2 * DAY, end: t + 2 * DAY + HOUR } };
    case 'updated':
      return { id: 'updated', type: 'ats.candidate.updated', time: t + 3 * MINUTE, candidate: scenario.contact.updated };
    case 'interview-stage':
      return { id: 'interview-stage', type: 'ats.application.stage_changed', time: t + 4 * MINUTE, stage: 'interview' };
    case 'rejected':
      return { id: 'rejected', type: 'ats.application.rejected', time: t + 5 * MINUTE };
  }
}

/** Plays the scenario through `decide` as the workflow would: events on arrival, timers, and each send delivered at once. */
function play(scenario: Scenario, anyOrder = true) {
  let state: JourneyState = initialState({ applicationId: 'app-1', definition, definitionVersion: 'v1', ...(anyOrder ? { anyOrder } : {}) });
  let now = scenario.start;
  // How many ATS events the engine had been given when it issued a command: two events can arrive at one
  // instant, and a command the first of them caused must be judged by what was known then.
  let eventsGiven = 0;
  const log: { at: number; command: Command; eventsGiven: number }[] = [];
  const apply = (input: Input, at: number): void => {
    if (input.kind === 'ats') eventsGiven++;
    const decision = decide(state, input, at);
    state = decision.state;
    now = at;
    for (const command of decision.commands) log.push({ at, command, eventsGiven });
    for (const command of decision.commands) {
      if (command.type === 'deliver') apply({ kind: 'delivery', messageId: command.messageId, channel: command.channels[0]!, status: 'delivered' }, at);
    }
  };
  const advance = (t: number): void => {
    let guard = 0;
    for (let wake = nextWakeUp(state); wake !== undefined && wake <= t; wake = nextWakeUp(state)) {
      if (++guard > 10_000) throw new Error('the engine keeps waking without progress');
      apply({ kind: 'timer' }, Math.max(wake, now));
    }
    now = Math.max(now, t);
  };
  const arrivals: { kind: Kind; at: number }[] = [];
  let at = scenario.start + 6 * MINUTE;
  scenario.order.forEach((kind, i) => {
    at += scenario.gapsMinutes[i]! * MINUTE;
    arrivals.push({ kind, at });
    advance(at);
    apply({ kind: 'ats', event: eventOf(kind, scenario) }, at);
  });
  advance(at + 10 * DAY);
  const deliveries = log.filter((e): e is { at: number; command: DeliverCommand; eventsGiven: number } => e.command.type === 'deliver' && e.command.attempt === 1);
  return { state, log, arrivals, deliveries };
}

/** When the candidate could first be reached, and on which channels at a given moment. */
function reachability(scenario: Scenario, arrivals: { kind: Kind; at: number }[]) {
  // The consent the first `given` arrivals carried, applied in arrival order.
  const consentAfter = (given: number) => {
    const consent = { email: false, sms: false };
    for (const { kind } of arrivals.slice(0, given)) {
      if (kind === 'created' || kind === 'updated') Object.assign(consent, scenario.contact[kind].consent ?? {});
    }
    return consent;
  };
  const channels = definition.channels;
  // In arrival order (several can arrive at one instant): the first event after which a channel is usable.
  const consent = { email: false, sms: false };
  const firstContactIndex = arrivals.findIndex(({ kind }) => {
    if (kind === 'created' || kind === 'updated') Object.assign(consent, scenario.contact[kind].consent ?? {});
    return channels.some((c) => consent[c]);
  });
  const firstContact = firstContactIndex < 0 ? undefined : arrivals[firstContactIndex]!.at;
  return { consentAfter, firstContact, firstContactIndex };
}

const RUNS = { numRuns: Number(process.env.EVENT_ORDER_PROPERTY_RUNS ?? 200) };

/**
 * Orders fast-check found once, replayed on every run: the update (e-mail allowed) and a late created event
 * (e-mail declined) arriving at one instant, with the closing message going out between them.
 */
const FOUND: Scenario[] = [
  {
    start: 1735689600000,
    withRejection: true,
    contact: { created: { locale: 'sv-SE', consent: { sms: true, email: false } }, updated: { timeZone: 'Europe/Stockholm', consent: { email: true } } },
    order: ['interview-scheduled', 'rejected', 'interview-stage', 'updated', 'created', 'screening'],
    gapsMinutes: [0, 13, 221, 240, 0, 0],
  },
];

describe('events in any order, property-based', () => {
  it('acknowledges exactly once, on a reachable channel, within ackWithin of first contact (or at the end of quiet hours)', () => {
    let closingFirst = 0;
    let endedUnreachable = 0;
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { arrivals, deliveries, state } = play(scenario);
        const { consentAfter, firstContact, firstContactIndex } = reachability(scenario, arrivals);
        expect(firstContact).toBeDefined();
        // The application ended, then came (created) without a way to reach the candidate: the journey ends
        // there, as nobody can be told; an address that an update brings later finds it closed.
        const index = (kind: Kind) => arrivals.findIndex((a) => a.kind === kind);
        if (scenario.withRejection && index('rejected') < firstContactIndex && index('created') < firstContactIndex) {
          expect(deliveries).toEqual([]);
          expect(state.status).toBe('completed');
          endedUnreachable++;
          return;
        }
        const first = deliveries[0];
        expect(first).toBeDefined();
        // Whichever calendar the candidate's time zone gave at that moment.
        const bound = Math.max(
          ...[definition.defaultTimeZone, 'Europe/Stockholm'].map((tz) => deferOutOfQuietHours(firstContact! + ACK_MS, makeCalendar(tz, definition))),
        );
        expect(first!.at).toBeGreaterThanOrEqual(firstContact!);
        expect(first!.at).toBeLessThanOrEqual(bound);
        const channel = first!.command.channels[0]!;
        // Reachable on that channel by what the events given so far said (not by an event that came after it).
        expect(consentAfter(first!.eventsGiven)[channel]).toBe(true);
        const acks = deliveries.filter((d) => d.command.purpose === 'ack');
        expect(acks.length).toBeLessThanOrEqual(1);
        if (first!.command.purpose === 'closing') {
          // The application ended before the acknowledgement went: the closing message took its slot.
          const rejectedAt = arrivals.find((a) => a.kind === 'rejected')!.at;
          expect(rejectedAt).toBeLessThanOrEqual(first!.at);
          expect(acks).toHaveLength(0);
          closingFirst++;
        } else {
          expect(first!.command.purpose).toBe('ack');
          expect(acks).toHaveLength(1);
        }
        expect(state.timeline.filter((e) => e.type === 'message.suppressed')).toEqual([]);
        if (scenario.withRejection) {
          expect(state.status).toBe('completed');
          expect(deliveries.filter((d) => d.command.purpose === 'closing').map((d) => d.command.template)).toEqual(['rejected.closing']);
        }
      }),
      { ...RUNS, examples: FOUND.map((scenario) => [scenario] as [Scenario]) },
    );
    // Some orders put the rejection before the acknowledgement could go; most do not.
    expect(closingFirst + endedUnreachable).toBeLessThan(RUNS.numRuns / 2);
  });

  it('uses the details whichever event brought them: locale from created, time zone from the update', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { arrivals, deliveries, state, log } = play(scenario);
        // Every event that arrived while the journey ran left its details (a completed journey ignores events).
        const completedAt = log.find((e) => e.command.type === 'complete')?.at ?? Number.POSITIVE_INFINITY;
        const arrived = (kind: Kind) => arrivals.find((a) => a.kind === kind)!.at < completedAt;
        if (arrived('created')) expect(state.candidate.locale).toBe('sv-SE');
        if (arrived('updated')) expect(state.candidate.timeZone).toBe('Europe/Stockholm');
        const createdAt = arrivals.find((a) => a.kind === 'created')!.at;
        // (At the very instant it arrived, a timer due then may have run first.)
        for (const d of deliveries) if (d.at !== createdAt) expect(d.command.locale).toBe(d.at > createdAt ? 'sv-SE' : definition.defaultLocale);
        // A created event after the start is applied, not dropped, and the timeline says it came late.
        if (arrivals[0]!.kind !== 'created' && arrived('created')) {
          expect(state.timeline.some((e) => e.eventId === 'created' && e.type === 'candidate.updated')).toBe(true);
          expect(state.timeline.some((e) => e.eventId === 'created' && e.type === 'event.ignored')).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('journeys started before any-order handling decide as they did (a stage change first loses the acknowledgement)', () => {
    const scenario: Scenario = {
      start: Date.UTC(2026, 2, 4, 9),
      withRejection: false,
      contact: { created: { locale: 'sv-SE', consent: { email: true } }, updated: { timeZone: 'Europe/Stockholm' } },
      order: ['screening', 'created', 'interview-scheduled', 'updated', 'interview-stage'],
      gapsMinutes: [0, 1, 1, 1, 1, 1],
    };
    const old = play(scenario, false);
    expect(old.deliveries.filter((d) => d.command.purpose === 'ack')).toHaveLength(0);
    expect(old.state.timeline.some((e) => e.type === 'message.suppressed' && e.template === 'applied.ack')).toBe(true);
    const now = play(scenario, true);
    expect(now.deliveries.filter((d) => d.command.purpose === 'ack')).toHaveLength(1);
  });
});

describe('events in any order: journeys that cannot reach the candidate yet', () => {
  const start = Date.UTC(2026, 2, 4, 9);
  const fresh = () => initialState({ applicationId: 'app-9', definition, definitionVersion: 'v1', anyOrder: true });
  const run = (state: JourneyState, input: Input, at: number) => decide(state, input, at);

  it('holds the closing message of a journey that ended before any contact, sends it once details arrive', () => {
    let s = run(fresh(), { kind: 'ats', event: { id: 'r', type: 'ats.application.rejected', time: start } }, start).state;
    expect(s.status).toBe('closing');
    const later = start + 2 * DAY;
    expect(nextWakeUp(s)).toBe(start + ACK_MS);
    const alerted = run(s, { kind: 'timer' }, start + ACK_MS);
    expect(alerted.commands.filter((c) => c.type === 'alertRecruiter')).toMatchObject([{ reason: 'no-contact' }]);
    s = alerted.state;
    expect(nextWakeUp(s)).toBe(start + CONTACT_WAIT_MS);
    const contact = run(s, { kind: 'ats', event: { id: 'c', type: 'ats.application.created', time: start - HOUR, candidate: { consent: { email: true } } } }, later);
    expect(contact.commands.filter((c): c is DeliverCommand => c.type === 'deliver').map((c) => [c.template, c.channels[0]])).toEqual([['rejected.closing', 'email']]);
  });

  it('completes without the closing message if no contact details come within the wait, and says why', () => {
    const s = run(fresh(), { kind: 'ats', event: { id: 'r', type: 'ats.application.withdrawn', time: start } }, start).state;
    const end = run(run(s, { kind: 'timer' }, start + ACK_MS).state, { kind: 'timer' }, start + CONTACT_WAIT_MS);
    expect(end.state.status).toBe('completed');
    expect(end.commands.some((c) => c.type === 'deliver')).toBe(false);
    expect(end.state.timeline.some((e) => e.type === 'message.canceled' && e.reason?.includes('no way to reach the candidate'))).toBe(true);
  });

  it('a message that cannot be written for want of details waits for the next event, same id, recruiter told once', () => {
    const phoneFirst = run(fresh(), { kind: 'ats', event: { id: 'u', type: 'ats.candidate.updated', time: start, candidate: { consent: { sms: true } } } }, start);
    const ack = phoneFirst.commands.find((c): c is DeliverCommand => c.type === 'deliver')!;
    expect(ack).toMatchObject({ template: 'applied.ack', channels: ['sms'] });
    const failed = run(phoneFirst.state, { kind: 'delivery', messageId: ack.messageId, channel: 'sms', status: 'failed', reason: 'TemplateDataMissing: job.title' }, start + 1000);
    expect(failed.commands).toEqual([]);
    // Still missing after ackWithin: the recruiter hears, once.
    expect(nextWakeUp(failed.state)).toBe(start + 1000 + ACK_MS);
    const alerted = run(failed.state, { kind: 'timer' }, start + 1000 + ACK_MS);
    expect(alerted.commands.filter((c) => c.type === 'alertRecruiter')).toMatchObject([{ reason: 'details-missing', messageId: ack.messageId }]);
    expect(nextWakeUp(alerted.state)).toBeGreaterThan(start + DAY); // the silence clock, not the waiting message
    // A stage change brings nothing new: it is tried again, fails again, and the recruiter is not told twice.
    const retried = run(alerted.state, { kind: 'ats', event: { id: 's', type: 'ats.application.stage_changed', time: start + 1, stage: 'screening' } }, start + 10 * MINUTE);
    const again = retried.commands.find((c): c is DeliverCommand => c.type === 'deliver' && c.template === 'applied.ack')!;
    expect(again.messageId).toBe(ack.messageId);
    const failedAgain = run(retried.state, { kind: 'delivery', messageId: ack.messageId, channel: 'sms', status: 'failed', reason: 'TemplateDataMissing: job.title' }, start + 10 * MINUTE);
    expect(nextWakeUp(failedAgain.state)).toBeGreaterThan(start + DAY);
    // The created event brings the details (and the e-mail address): the same message goes, by the journey's channel order.
    const created = run(failedAgain.state, { kind: 'ats', event: { id: 'c', type: 'ats.application.created', time: start - MINUTE, candidate: { consent: { email: true } } } }, start + 11 * MINUTE);
    expect(created.commands.filter((c): c is DeliverCommand => c.type === 'deliver').map((c) => [c.messageId, c.channels])).toContainEqual([ack.messageId, ['email', 'sms']]);
  });

  it('an application that came without any contact details ends at once when its outcome comes', () => {
    const created = run(fresh(), { kind: 'ats', event: { id: 'c', type: 'ats.application.created', time: start, candidate: { timeZone: 'Europe/Stockholm' } } }, start);
    const hired = run(created.state, { kind: 'ats', event: { id: 'h', type: 'ats.application.hired', time: start + 1 } }, start + MINUTE);
    expect(hired.state.status).toBe('completed');
    expect(hired.commands.some((c) => c.type === 'deliver')).toBe(false);
    expect(hired.state.timeline.some((e) => e.type === 'message.canceled' && e.reason === 'the application has no way to reach the candidate')).toBe(true);
  });

  it('switches to a definition resolved again with a later event’s job when nothing has been sent yet, else at the next stage change', () => {
    const sv = loadJourney('default-sv');
    let s = run(fresh(), { kind: 'ats', event: { id: 's', type: 'ats.application.stage_changed', time: start, stage: 'screening' } }, start).state;
    const switched = run(s, { kind: 'upgrade', definition: sv, version: 'sv@1', resolved: true }, start + MINUTE).state;
    expect(switched.definitionVersion).toBe('sv@1');
    expect(switched.pendingDefinition).toBeUndefined();
    // Every waiting message now comes from the new definition, in the same slot and at the same time.
    expect(switched.scheduled.map((m) => [m.key, m.dueAt])).toEqual(s.scheduled.map((m) => [m.key, m.dueAt]));
    expect(switched.scheduled.find((m) => m.purpose === 'ack')!.template).toBe(sv.stages.applied.onEnter[0]!.template);
    const svTemplates = messagesWithPaths(sv).map((m) => m.message.template);
    for (const message of switched.scheduled) expect(svTemplates).toContain(message.template);
    // Once something went, the new definition waits for the next stage change like any published upgrade.
    s = run(s, { kind: 'ats', event: { id: 'c', type: 'ats.application.created', time: start - MINUTE, candidate: { consent: { email: true } } } }, start + MINUTE).state;
    expect(s.seq).toBeGreaterThan(0);
    const pending = run(s, { kind: 'upgrade', definition: sv, version: 'sv@1', resolved: true }, start + 2 * MINUTE).state;
    expect(pending.definitionVersion).toBe('v1');
    expect(pending.pendingDefinition?.version).toBe('sv@1');
  });
});

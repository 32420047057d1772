/**
 * The promise in docs/architecture.md, checked by fast-check over random definitions, time zones, candidates and
 * event sequences (duplicates, stale stage changes, interviews moved and cancelled, opt-outs, pauses,
 * failing channels). Each run replays the real engine through the simulator.
 */
import fc from 'fast-check';
import {
  addBusinessDays,
  deferOutOfQuietHours,
  isQuietTime,
  latestAllowedAtOrBefore,
  makeCalendar,
  simulate,
  validateDefinition,
  type Calendar,
  type Channel,
  type DeliverCommand,
  type JourneyDefinition,
  type ScriptedStep,
} from '../../../workflows/engine';
import { parseDuration } from '../../../workflows/engine/duration';
import { DAY, HOUR, minimalRaw } from './fixtures';

const MINUTE = 60_000;
const ZONES = [
  'Europe/Stockholm',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Australia/Sydney',
  'Australia/Adelaide',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Pacific/Chatham',
  'Pacific/Auckland',
  'UTC',
];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Random definitions that pass validation: every knob the promise depends on varies. */
const definitionArb: fc.Arbitrary<JourneyDefinition> = fc
  .record({
    ackMinutes: fc.integer({ min: 1, max: 120 }),
    ackDelayShare: fc.double({ min: 0, max: 1, noNaN: true }),
    maxSilence: fc.integer({ min: 1, max: 7 }),
    quietStart: fc.integer({ min: 0, max: 95 }).map((q) => q * 15),
    quietLength: fc.integer({ min: 0, max: 14 * 4 }).map((q) => q * 15),
    businessDays: fc.subarray([...DAYS], { minLength: 1 }),
    holidays: fc.array(fc.integer({ min: 0, max: 3 * 365 }).map((d) => new Date(Date.UTC(2025, 0, 1) + d * DAY).toISOString().slice(0, 10)), { maxLength: 12 }),
    followUpShare: fc.double({ min: 0.2, max: 1, noNaN: true }),
    followUpBusiness: fc.boolean(),
    channels: fc.constantFrom<Channel[]>(['email', 'sms'], ['sms', 'email'], ['email'], ['sms']),
    reminderHours: fc.uniqueArray(fc.integer({ min: 1, max: 72 }), { minLength: 1, maxLength: 3 }),
    withinBusinessDays: fc.integer({ min: 1, max: 7 }),
    rejectionMorning: fc.boolean(),
    waitingOverDays: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  })
  .map((k) => {
    const raw = minimalRaw() as Record<string, unknown> & { stages: object; interview: object };
    const quietEnd = (k.quietStart + (k.quietLength === 0 ? 15 : k.quietLength)) % 1440;
    const followEvery = k.followUpBusiness
      ? `${Math.max(1, Math.floor(k.maxSilence * k.followUpShare))}bd`
      : `${Math.max(1, Math.floor(k.maxSilence * 24 * k.followUpShare))}h`;
    return {
      ...raw,
      ackWithin: `${k.ackMinutes}m`,
      maxSilence: k.maxSilence,
      quietHours: { start: hhmm(k.quietStart), end: hhmm(quietEnd) },
      businessMorning: hhmm(quietEnd),
      businessDays: k.businessDays,
      holidays: k.holidays,
      channels: k.channels,
      alerts: { waitingOverDays: k.waitingOverDays },
      stages: {
        ...raw.stages,
        applied: { onEnter: [{ template: 'applied.ack', delay: `${Math.floor(k.ackMinutes * k.ackDelayShare)}m` }] },
        screening: { onEnter: [{ template: 'screening.started', delay: '2h' }], followUp: { template: 'screening.follow-up', every: followEvery } },
        interview: { onEnter: [{ template: 'interview.invited' }] },
        offer: { onEnter: [{ template: 'offer.extended', delay: { businessMorning: true } }] },
        rejected: {
          onEnter: [{ template: 'rejected.closing', ...(k.rejectionMorning ? { delay: { businessMorning: true } } : {}) }],
          positionClosed: { template: 'rejected.position-closed' },
        },
      },
      interview: {
        ...raw.interview,
        reminders: k.reminderHours.map((h, i) => ({ template: `interview.reminder-${i}`, before: `${h}h`, channel: k.channels[i % k.channels.length] })),
        after: { template: 'interview.thanks', within: `${Math.min(k.withinBusinessDays, k.maxSilence)}bd` },
      },
    };
  })
  .map((raw) => validateDefinition(raw))
  .filter((result) => result.ok)
  .map((result) => (result.ok ? result.definition : (undefined as never)));

const INTERVIEW_EVENT = {
  scheduled: 'ats.interview.scheduled',
  rescheduled: 'ats.interview.rescheduled',
  canceled: 'ats.interview.canceled',
  completed: 'ats.interview.completed',
} as const;

type Action =
  | { kind: 'stage'; stage: 'screening' | 'interview' | 'offer' | 'applied' }
  | { kind: 'offer' }
  | { kind: 'interview'; type: 'scheduled' | 'rescheduled' | 'canceled' | 'completed'; id: number; startInHours: number }
  | { kind: 'stale-stage'; stage: 'screening' | 'interview'; hoursEarlier: number }
  | { kind: 'duplicate' }
  | { kind: 'locale' }
  | { kind: 'reply'; text: 'STOP' | 'START' | 'thanks' | 'email-opt-out' }
  | { kind: 'recruiter'; action: 'pause' | 'resume' | 'sendNow' }
  // The candidate, on their status page: slots offered, one booked (a first booking or a move), another time asked for.
  | { kind: 'slots-offered'; id: number }
  | { kind: 'slot'; id: number; startInHours: number }
  | { kind: 'reschedule'; id: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('stage' as const), stage: fc.constantFrom('screening' as const, 'interview' as const, 'offer' as const, 'applied' as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'offer' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('interview' as const),
      type: fc.constantFrom('scheduled' as const, 'scheduled' as const, 'rescheduled' as const, 'canceled' as const, 'completed' as const),
      id: fc.integer({ min: 1, max: 3 }),
      startInHours: fc.integer({ min: 1, max: 24 * 14 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale-stage' as const), stage: fc.constantFrom('screening' as const, 'interview' as const), hoursEarlier: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'locale' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reply' as const), text: fc.constantFrom('STOP' as const, 'START' as const, 'thanks' as const, 'email-opt-out' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('recruiter' as const), action: fc.constantFrom('pause' as const, 'resume' as const, 'sendNow' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('slots-offered' as const), id: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('slot' as const), id: fc.integer({ min: 1, max: 3 }), startInHours: fc.integer({ min: 1, max: 24 * 14 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reschedule' as const), id: fc.integer({ min: 1, max: 3 }) }) },
);

const terminalArb = fc.option(
  fc.constantFrom(
    { type: 'ats.application.rejected' as const, outcome: 'rejected', template: 'rejected.closing' },
    { type: 'ats.application.rejected' as const, positionClosed: true, outcome: 'position-closed', template: 'rejected.position-closed' },
    { type: 'ats.application.withdrawn' as const, outcome: 'withdrawn', template: 'withdrawn.closing' },
    { type: 'ats.offer.declined' as const, outcome: 'withdrawn', template: 'withdrawn.closing' },
    { type: 'ats.application.hired' as const, outcome: 'hired', template: 'hired.welcome' },
    { type: 'ats.offer.accepted' as const, outcome: 'hired', template: 'hired.welcome' },
    // The candidate withdrew on their status page (a signal, not an ATS event).
    { type: 'candidate' as const, outcome: 'withdrawn', template: 'withdrawn.closing' },
  ),
  { nil: undefined },
);

const scenarioArb = fc.record({
  definition: definitionArb,
  timeZone: fc.constantFrom(...ZONES),
  consent: fc.constantFrom({ email: true, sms: true }, { email: true, sms: false }, { email: false, sms: true }),
  failing: fc.constantFrom<Channel[]>([], [], [], ['email'], ['sms'], ['email', 'sms']),
  start: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 5, 1) }),
  steps: fc.array(fc.record({ gapMinutes: fc.integer({ min: 1, max: 4 * 24 * 60 }), action: actionArb }), { maxLength: 25 }),
  terminal: terminalArb,
  terminalGapMinutes: fc.integer({ min: 1, max: 8 * 24 * 60 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Turns a scenario into a script, and records when the candidate could be reached. */
function script(scenario: Scenario) {
  const steps: ScriptedStep[] = [{ at: scenario.start, ats: { id: 'created', type: 'ats.application.created' } }];
  const consent = { ...scenario.consent };
  // Reachable means a consented channel that this journey uses.
  const canReach = () => scenario.definition.channels.some((channel) => consent[channel]);
  const consentChanges: { at: number; reachable: boolean }[] = [{ at: scenario.start, reachable: canReach() }];
  let t = scenario.start;
  let lastStageTime = scenario.start;
  let n = 0;
  for (const { gapMinutes, action } of scenario.steps) {
    t += gapMinutes * MINUTE;
    n += 1;
    const id = `e${n}`;
    switch (action.kind) {
      case 'stage':
        steps.push({ at: t, ats: { id, type: 'ats.application.stage_changed', stage: action.stage } });
        lastStageTime = t;
        break;
      case 'offer':
        steps.push({ at: t, ats: { id, type: 'ats.offer.extended' } });
        lastStageTime = t;
        break;
      case 'interview': {
        const start = t + action.startInHours * HOUR;
        steps.push({ at: t, ats: { id, type: INTERVIEW_EVENT[action.type], interview: { id: `i${action.id}`, start, end: start + HOUR } } });
        break;
      }
      case 'stale-stage':
        steps.push({ at: t, ats: { id, type: 'ats.application.stage_changed', stage: action.stage, time: Math.min(lastStageTime - 1, t - action.hoursEarlier * HOUR) } });
        break;
      case 'duplicate': {
        const previous = steps[steps.length - 1]!;
        if ('ats' in previous) steps.push({ at: t, ats: { ...previous.ats, time: previous.ats.time ?? previous.at } });
        break;
      }
      case 'locale':
        steps.push({ at: t, ats: { id, type: 'ats.candidate.updated', candidate: { locale: 'sv' } } });
        break;
      case 'reply':
        if (action.text === 'email-opt-out') {
          steps.push({ at: t, input: { kind: 'reply', channel: 'email', text: 'unsubscribe', optOut: true } });
          consent.email = false;
        } else {
          steps.push({ at: t, input: { kind: 'reply', channel: 'sms', text: action.text } });
          if (action.text === 'STOP') consent.sms = false;
          if (action.text === 'START') consent.sms = true;
        }
        consentChanges.push({ at: t, reachable: canReach() });
        break;
      case 'slots-offered':
        steps.push({ at: t, ats: { id, type: 'ats.interview.slots_offered', interview: { id: `i${action.id}`, start: t + DAY } } });
        break;
      case 'slot': {
        const start = t + action.startInHours * HOUR;
        steps.push({ at: t, input: { kind: 'slot-chosen', interviewId: `i${action.id}`, slotId: `s${n}`, start, end: start + HOUR } });
        break;
      }
      case 'reschedule':
        steps.push({ at: t, input: { kind: 'reschedule-requested', interviewId: `i${action.id}`, requestId: `r${n}` } });
        break;
      case 'recruiter':
        steps.push({
          at: t,
          input: { kind: 'recruiter', recruiter: action.action === 'sendNow' ? { action: 'sendNow', template: 'recruiter.note' } : { action: action.action } },
        });
        break;
    }
  }
  let terminalAt: number | undefined;
  if (scenario.terminal) {
    terminalAt = t + scenario.terminalGapMinutes * MINUTE;
    const { type, positionClosed } = scenario.terminal as { type: (typeof scenario.terminal)['type']; positionClosed?: boolean };
    if (type === 'candidate') steps.push({ at: terminalAt, input: { kind: 'withdrawn' } });
    else steps.push({ at: terminalAt, ats: { id: 'terminal', type, positionClosed } });
  }
  const until = (terminalAt ?? t) + 40 * DAY;
  /** True when some consented channel existed at every moment of [from, to]. */
  const reachableThroughout = (from: number, to: number) => {
    let state = consentChanges[0]!.reachable;
    for (const change of consentChanges) {
      if (change.at <= from) state = change.reachable;
      else if (change.at <= to && !change.reachable) return false;
    }
    return state;
  };
  return { steps, until, terminalAt, reachableThroughout };
}

function run(scenario: Scenario) {
  const built = script(scenario);
  const result = simulate({
    definition: scenario.definition,
    candidate: { timeZone: scenario.timeZone, channels: scenario.consent, failingChannels: scenario.failing },
    events: built.steps,
    until: built.until,
    applicationId: 'app-42',
  });
  const calendar: Calendar = makeCalendar(scenario.timeZone, scenario.definition);
  const deliveries = result.commands.filter((c): c is { at: number; command: DeliverCommand } => c.command.type === 'deliver');
  const firsts = deliveries.filter((d) => d.command.attempt === 1);
  return { ...built, result, calendar, deliveries, firsts };
}

const RUNS = { numRuns: Number(process.env.ENGINE_PROPERTY_RUNS ?? 250) };

describe('the promise, property-based', () => {
  it('acknowledges within ackWithin, or at the end of quiet hours', () => {
    let checked = 0;
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { firsts, calendar, reachableThroughout } = run(scenario);
        const ackMs = parseDuration(scenario.definition.ackWithin)!;
        const bound = deferOutOfQuietHours(scenario.start + (ackMs.kind === 'fixed' ? ackMs.ms : 0), calendar);
        if (!reachableThroughout(scenario.start, bound)) return;
        expect(firsts.length).toBeGreaterThan(0);
        expect(firsts[0]!.at).toBeLessThanOrEqual(bound);
        checked++;
      }),
      RUNS,
    );
    // Guard against a vacuous pass: most scenarios must actually have been checked.
    expect(checked).toBeGreaterThan(RUNS.numRuns / 2);
  });

  it('never leaves a gap over maxSilence business days while the candidate can be reached', () => {
    let gaps = 0;
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { firsts, calendar, reachableThroughout, result } = run(scenario);
        const max = scenario.definition.maxSilence;
        for (let i = 1; i < firsts.length; i++) {
          const a = firsts[i - 1]!.at;
          const b = firsts[i]!.at;
          if (!reachableThroughout(a, b)) continue;
          expect(b).toBeLessThanOrEqual(addBusinessDays(a, max, calendar));
          gaps++;
        }
        const last = firsts[firsts.length - 1];
        if (last && !result.completed && reachableThroughout(last.at, result.end)) {
          expect(addBusinessDays(last.at, max, calendar)).toBeGreaterThanOrEqual(result.end);
        }
      }),
      RUNS,
    );
    expect(gaps).toBeGreaterThan(RUNS.numRuns * 2);
  });

  it('closes every terminal outcome with its closing message, then completes', () => {
    let closed = 0;
    fc.assert(
      fc.property(scenarioArb.filter((s) => s.terminal !== undefined), (scenario) => {
        const { result, deliveries, terminalAt, reachableThroughout } = run(scenario);
        expect(result.completed).toBe(true);
        expect(result.outcome).toBe(scenario.terminal!.outcome);
        const complete = result.commands.find((c) => c.command.type === 'complete')!;
        if (!reachableThroughout(terminalAt!, complete.at)) return;
        const closing = deliveries.filter((d) => d.command.purpose === 'closing');
        expect(closing.map((d) => d.command.template)).toContain(scenario.terminal!.template);
        expect(closing.every((d) => d.at >= terminalAt! && d.at <= complete.at)).toBe(true);
        expect(result.commands.filter((c) => c.at > complete.at)).toEqual([]);
        closed++;
      }),
      RUNS,
    );
    expect(closed).toBeGreaterThan(RUNS.numRuns / 2);
  });

  it('confirms every interview, reminds before it and updates after it', () => {
    const seen = { interviews: 0, reminders: 0 };
    fc.assert(
      // Without a terminal outcome more interviews run their full course, so more are checked.
      fc.property(scenarioArb.map((s) => ({ ...s, terminal: undefined })), (scenario) => {
        const { result, deliveries, firsts, calendar, terminalAt, reachableThroughout } = run(scenario);
        const maxBefore = Math.max(...scenario.definition.interview.reminders.map((r) => parseDuration(r.before)!).map((d) => (d.kind === 'fixed' ? d.ms : 0)));
        const within = parseDuration(scenario.definition.interview.after.within)!;
        for (const interview of result.state.interviews) {
          if (interview.status !== 'scheduled') continue;
          const scheduledAt = interview.lastEventTime;
          const promisedBy = latestAllowedAtOrBefore(within.kind === 'business' ? addBusinessDays(interview.end, within.days, calendar) : interview.end + within.ms, calendar);
          const updateBy = promisedBy >= interview.end ? promisedBy : deferOutOfQuietHours(interview.end, calendar);
          if (terminalAt !== undefined && terminalAt <= updateBy) continue;
          if (updateBy > result.end || !reachableThroughout(scenarioStart(scenario), updateBy)) continue;
          const touch = deliveries.filter((d) => d.at >= scheduledAt && (d.command.purpose === 'interview-confirmation' || d.command.purpose === 'interview-rescheduled'));
          expect(touch.length).toBeGreaterThan(0);
          if (interview.start - scheduledAt >= maxBefore + DAY) {
            expect(deliveries.some((d) => d.command.purpose === 'interview-reminder' && d.at >= scheduledAt && d.at < interview.start)).toBe(true);
            seen.reminders++;
          }
          expect(firsts.some((d) => d.at >= interview.end && d.at <= updateBy)).toBe(true);
          seen.interviews++;
        }
      }),
      RUNS,
    );
    expect(seen.interviews).toBeGreaterThan(RUNS.numRuns / 10);
    expect(seen.reminders).toBeGreaterThan(RUNS.numRuns / 30);
  });

  it('never dispatches inside quiet hours, and never reuses a message id', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { deliveries, firsts, calendar } = run(scenario);
        for (const { at, command } of deliveries) {
          expect(command.notBefore).toBe(at);
          expect(isQuietTime(command.notBefore, calendar)).toBe(false);
          expect(command.channels.length).toBeGreaterThan(0);
          expect(command.messageId).not.toMatch(/@|\+\d/);
        }
        expect(new Set(firsts.map((d) => d.command.messageId)).size).toBe(firsts.length);
        const sends = deliveries.map((d) => `${d.command.messageId}|${d.command.channels[0]}`);
        expect(new Set(sends).size).toBe(sends.length);
      }),
      RUNS,
    );
  });

  it('decides the same way every time for the same inputs', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        expect(run(scenario).result.commands).toEqual(run(scenario).result.commands);
      }),
      { numRuns: 30 },
    );
  });
});

function scenarioStart(scenario: Scenario): number {
  return scenario.start;
}

/**
 * The simulator: runs the real engine over simulated time for one candidate and a scripted timeline of
 * events, and returns what the candidate would see — every message, when it lands in their local time,
 * on which channel, and the longest silence. The console and API use it to preview a journey.
 */
import { businessDaysBetween, makeCalendar } from './calendar';
import type { Command, DeliverCommand, MessagePurpose, Outcome } from './commands';
import type { Channel, JourneyDefinition, MessageText } from './definition';
import { decide, nextWakeUp } from './decide';
import type { AtsEvent, Input } from './inputs';
import { messagesWithPaths } from './promise-checks';
import { initialState, type JourneyState } from './state';
import { formatLocal } from './time-zone';

/** The simulated candidate. */
export interface SimulatedCandidate {
  timeZone: string;
  channels: { email: boolean; sms: boolean };
  locale?: string;
  /** Channels whose deliveries fail, to preview fallbacks. */
  failingChannels?: Channel[];
}

/** An ATS event in a script; id and time default to a sequence number and `at`. */
export type ScriptedAtsEvent = Omit<AtsEvent, 'id' | 'time'> & { id?: string; time?: number };

/** One scripted step: an ATS event, or any engine input, arriving at `at` (epoch ms). */
export type ScriptedStep = { at: number; ats: ScriptedAtsEvent } | { at: number; input: Input };

/** What to simulate. */
export interface SimulationParams {
  definition: JourneyDefinition;
  candidate: SimulatedCandidate;
  events: ScriptedStep[];
  /** Simulation start; defaults to the first step. */
  start?: number;
  /** Simulation end; defaults to 60 days after the last step. The run also stops when the journey completes. */
  until?: number;
  applicationId?: string;
  /** Values for `{{ placeholders }}` in inline text, e.g. { "candidate.firstName": "Ada" }. */
  variables?: Record<string, string>;
}

/** A message as the candidate receives it. */
export interface SimulatedMessage {
  messageId: string;
  template: string;
  purpose: MessagePurpose;
  channel: Channel;
  attempt: number;
  at: number;
  /** When it lands in the candidate's local time, e.g. "Mon 2025-03-03 09:00 (Europe/Stockholm)". */
  localTime: string;
  subject?: string;
  body?: string;
}

/** The candidate's-eye result of a simulation. */
export interface SimulationResult {
  messages: SimulatedMessage[];
  alerts: { at: number; reason: string }[];
  /** Every command with the simulated time it was issued, for tests and debugging. */
  commands: { at: number; command: Command }[];
  longestSilence: { businessDays: number; hours: number; from?: number; to?: number };
  completed: boolean;
  outcome?: Outcome;
  start: number;
  end: number;
  state: JourneyState;
}

const DAY_MS = 86_400_000;
// A journey that decides more often than this is looping, not simulating.
const MAX_STEPS = 200_000;

/** Runs the engine over simulated time and returns the candidate's-eye timeline. */
export function simulate(params: SimulationParams): SimulationResult {
  const steps = params.events.map((step, index) => ({ step, index })).sort((a, b) => a.step.at - b.step.at || a.index - b.index);
  const start = params.start ?? steps[0]?.step.at ?? 0;
  const lastStep = steps.length > 0 ? steps[steps.length - 1]!.step.at : start;
  const until = params.until ?? lastStep + 60 * DAY_MS;
  const applicationId = params.applicationId ?? 'sim';
  const texts = new Map(messagesWithPaths(params.definition).map(({ message }) => [message.template, message.text]));
  let state = initialState({
    applicationId,
    definition: params.definition,
    definitionVersion: 'simulated',
    candidate: { timeZone: params.candidate.timeZone, locale: params.candidate.locale, consent: params.candidate.channels },
    // As journeys started today decide: events in any order, nothing sent before the candidate can be reached.
    anyOrder: true,
  });
  const result: SimulationResult = { messages: [], alerts: [], commands: [], longestSilence: { businessDays: 0, hours: 0 }, completed: false, start, end: until, state };
  const deliveries: Input[] = [];
  let now = start;
  let cursor = 0;

  const run = (input: Input, at: number): void => {
    const decision = decide(state, input, at);
    state = decision.state;
    for (const command of decision.commands) {
      result.commands.push({ at, command });
      if (command.type === 'deliver') {
        result.messages.push(render(command, at, state, texts, params));
        const fails = params.candidate.failingChannels?.includes(command.channels[0]!) === true;
        deliveries.push({ kind: 'delivery', messageId: command.messageId, channel: command.channels[0]!, status: fails ? 'failed' : 'delivered', reason: fails ? 'simulated failure' : undefined });
      } else if (command.type === 'alertRecruiter') {
        result.alerts.push({ at, reason: command.reason });
      } else if (command.type === 'complete') {
        result.completed = true;
        result.outcome = command.outcome;
      }
    }
  };

  for (let guard = 0; guard < MAX_STEPS && !result.completed; guard++) {
    const delivery = deliveries.shift();
    if (delivery) {
      run(delivery, now);
      continue;
    }
    const wake = nextWakeUp(state);
    const next = steps[cursor];
    const stepAt = next ? Math.max(next.step.at, now) : Number.POSITIVE_INFINITY;
    const wakeAt = wake === undefined ? Number.POSITIVE_INFINITY : Math.max(wake, now);
    const at = Math.min(stepAt, wakeAt);
    if (at > until || at === Number.POSITIVE_INFINITY) break;
    now = at;
    if (next && stepAt <= wakeAt) {
      cursor += 1;
      run(toInput(next.step, next.index), now);
    } else {
      run({ kind: 'timer' }, now);
    }
  }
  result.end = result.completed ? now : until;
  result.state = state;
  result.longestSilence = longestSilence(result.messages, params.definition, state.candidate.timeZone);
  return result;
}

function toInput(step: ScriptedStep, index: number): Input {
  if ('input' in step) return step.input;
  return { kind: 'ats', event: { ...step.ats, id: step.ats.id ?? `sim-${index + 1}`, time: step.ats.time ?? step.at } };
}

function render(
  command: DeliverCommand,
  at: number,
  state: JourneyState,
  texts: Map<string, Record<string, MessageText> | undefined>,
  params: SimulationParams,
): SimulatedMessage {
  const timeZone = state.candidate.timeZone;
  const localized = texts.get(command.template);
  const text = localized?.[command.locale] ?? localized?.[state.definition.defaultLocale];
  const interview = state.interviews.length > 0 ? state.interviews[state.interviews.length - 1] : undefined;
  const variables: Record<string, string> = {
    'interview.start': interview ? formatLocal(interview.start, timeZone) : '',
    ...params.variables,
  };
  // An SMS shows the message's SMS form (the e-mail body when it has none) and no subject, as the send path sends it.
  const sms = command.channels[0] === 'sms';
  const words = sms ? (text?.sms ?? text?.body) : text?.body;
  return {
    messageId: command.messageId,
    template: command.template,
    purpose: command.purpose,
    channel: command.channels[0]!,
    attempt: command.attempt,
    at,
    localTime: formatLocal(at, timeZone),
    subject: text?.subject === undefined || sms ? undefined : fill(text.subject, variables),
    body: words === undefined ? undefined : fill(words, variables),
  };
}

/** Fills `{{ name }}` and `{{ name | filter }}` placeholders; unknown names stay visible so gaps show in previews. */
function fill(text: string, variables: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w.]+)\s*(?:\|[^}]*)?\}\}/g, (whole, name: string) => variables[name] ?? whole);
}

function longestSilence(messages: SimulatedMessage[], definition: JourneyDefinition, timeZone: string): SimulationResult['longestSilence'] {
  const calendar = makeCalendar(timeZone, definition);
  const firsts = messages.filter((m) => m.attempt === 1);
  let best: SimulationResult['longestSilence'] = { businessDays: 0, hours: 0 };
  let bestMs = -1;
  for (let i = 1; i < firsts.length; i++) {
    const from = firsts[i - 1]!.at;
    const to = firsts[i]!.at;
    if (to - from <= bestMs) continue;
    bestMs = to - from;
    best = { businessDays: businessDaysBetween(from, to, calendar), hours: Math.round(((to - from) / 3_600_000) * 10) / 10, from, to };
  }
  return best;
}

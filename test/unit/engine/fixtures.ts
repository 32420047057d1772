// Shared test fixtures: the shipped default journeys and a small, valid definition to vary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  decide,
  initialState,
  nextWakeUp,
  validateDefinition,
  type AtsEvent,
  type Command,
  type DeliverCommand,
  type Input,
  type JourneyDefinition,
  type JourneyState,
} from '../../../workflows/engine';

/** Raw (unvalidated) YAML of a shipped journey. */
export function rawJourney(name: 'default-en' | 'default-sv'): unknown {
  return parse(readFileSync(join(__dirname, '../../../journeys', `${name}.yaml`), 'utf8'));
}

/** A shipped journey, validated; throws with the errors if it is not valid. */
export function loadJourney(name: 'default-en' | 'default-sv'): JourneyDefinition {
  return mustValidate(rawJourney(name));
}

/** Validates or throws with every error, so a test failure names the problem. */
export function mustValidate(input: unknown): JourneyDefinition {
  const result = validateDefinition(input);
  if (!result.ok) throw new Error(`invalid definition: ${JSON.stringify(result.errors)}`);
  return result.definition;
}

/** A minimal raw definition that keeps the promise; tests spread over it. */
export function minimalRaw(): Record<string, unknown> {
  return {
    id: 'test',
    statusUpdate: { template: 'status.update' },
    stages: {
      applied: { onEnter: [{ template: 'applied.ack' }] },
      screening: { onEnter: [{ template: 'screening.started' }], followUp: { template: 'screening.follow-up', every: '3bd' } },
      hired: { onEnter: [{ template: 'hired.welcome' }] },
      rejected: { onEnter: [{ template: 'rejected.closing', delay: { businessMorning: true } }], positionClosed: { template: 'rejected.position-closed' } },
      withdrawn: { onEnter: [{ template: 'withdrawn.closing' }] },
    },
    interview: {
      confirmation: { template: 'interview.confirmed' },
      reminders: [
        { template: 'interview.reminder-day', before: '24h', channel: 'email' },
        { template: 'interview.reminder-soon', before: '2h', channel: 'sms' },
      ],
      canceled: { template: 'interview.canceled' },
      after: { template: 'interview.thanks', within: '1bd' },
    },
  };
}

/** Epoch ms of a wall time in UTC, for readable test inputs: utc('2025-03-03T09:00'). */
export function utc(iso: string): number {
  return Date.parse(`${iso}Z`);
}

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * Drives the engine the way the workflow will: inputs at given times, timer wake-ups in between.
 * Delivery results are left to the test, so fallbacks and settling can be exercised.
 */
export class Driver {
  state: JourneyState;
  now = 0;
  readonly log: { at: number; command: Command }[] = [];
  private eventSeq = 0;

  constructor(definition: JourneyDefinition, candidate: { timeZone: string; email?: boolean; sms?: boolean; locale?: string }, options: { anyOrder?: boolean } = {}) {
    this.state = initialState({
      applicationId: 'app-1',
      definition,
      definitionVersion: 'v1',
      candidate: { timeZone: candidate.timeZone, locale: candidate.locale, consent: { email: candidate.email ?? true, sms: candidate.sms ?? true } },
      ...(options.anyOrder ? { anyOrder: true } : {}),
    });
  }

  /** Runs every wake-up due up to `t` and moves the clock there. */
  advance(t: number): Command[] {
    const out: Command[] = [];
    let guard = 0;
    for (let wake = nextWakeUp(this.state); wake !== undefined && wake <= t; wake = nextWakeUp(this.state)) {
      // A wake-up that changes nothing would spin forever; that is an engine bug worth failing on.
      if (++guard > 10_000) throw new Error(`engine keeps waking at ${new Date(wake).toISOString()} without progress`);
      out.push(...this.apply({ kind: 'timer' }, Math.max(wake, this.now)));
    }
    this.now = Math.max(this.now, t);
    return out;
  }

  /** Advances to `at`, then applies `input` there; returns the commands of that input alone. */
  send(input: Input, at: number): Command[] {
    this.advance(at);
    return this.apply(input, at);
  }

  /** Sends an ATS event with a fresh id and `time` = `at` unless given. */
  ats(event: Omit<AtsEvent, 'id' | 'time'> & { id?: string; time?: number }, at: number): Command[] {
    this.eventSeq += 1;
    return this.send({ kind: 'ats', event: { ...event, id: event.id ?? `e${this.eventSeq}`, time: event.time ?? at } }, at);
  }

  /** Every deliver command so far. */
  deliveries(): { at: number; command: DeliverCommand }[] {
    return this.log.filter((e): e is { at: number; command: DeliverCommand } => e.command.type === 'deliver');
  }

  private apply(input: Input, at: number): Command[] {
    const decision = decide(this.state, input, at);
    this.state = decision.state;
    this.now = at;
    for (const command of decision.commands) this.log.push({ at, command });
    return decision.commands;
  }
}

/** Deliver commands among `commands`. */
export function delivers(commands: Command[]): DeliverCommand[] {
  return commands.filter((c): c is DeliverCommand => c.type === 'deliver');
}

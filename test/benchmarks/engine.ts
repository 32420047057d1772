/**
 * Journey engine benchmark: decide() decisions per second and simulated candidate-days per second.
 * Run: npx tsx test/benchmarks/engine.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { decide, initialState, nextWakeUp, simulate, validateDefinition, type Input, type JourneyDefinition, type ScriptedStep } from '../../workflows/engine';

const DAY = 86_400_000;

function load(name: string): JourneyDefinition {
  const result = validateDefinition(parse(readFileSync(join(__dirname, '../../journeys', `${name}.yaml`), 'utf8')));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

/** A typical 60-day pipeline: screening, an interview moved once, an offer, hired. */
function typicalJourney(start: number): ScriptedStep[] {
  const interview = start + 12 * DAY + 5 * 3_600_000;
  return [
    { at: start, ats: { type: 'ats.application.created' } },
    { at: start + 4 * DAY, ats: { type: 'ats.application.stage_changed', stage: 'screening' } },
    { at: start + 9 * DAY, ats: { type: 'ats.application.stage_changed', stage: 'interview' } },
    { at: start + 9 * DAY + 3_600_000, ats: { type: 'ats.interview.scheduled', interview: { id: 'i-1', start: interview, end: interview + 3_600_000 } } },
    { at: start + 10 * DAY, ats: { type: 'ats.interview.rescheduled', interview: { id: 'i-1', start: interview + DAY, end: interview + DAY + 3_600_000 } } },
    { at: start + 14 * DAY, ats: { type: 'ats.interview.completed', interview: { id: 'i-1', start: interview + DAY } } },
    { at: start + 30 * DAY, ats: { type: 'ats.offer.extended' } },
    { at: start + 60 * DAY, ats: { type: 'ats.application.hired' } },
  ];
}

function benchDecide(definition: JourneyDefinition): { decisions: number; seconds: number } {
  // Mixed inputs as a live journey sees them: ATS events, wake-ups and delivery results.
  let decisions = 0;
  const started = process.hrtime.bigint();
  const start = Date.UTC(2025, 2, 3, 9);
  for (let journey = 0; journey < 400; journey++) {
    let state = initialState({ applicationId: `app-${journey}`, definition, definitionVersion: 'v1', candidate: { timeZone: 'Europe/Stockholm', consent: { email: true, sms: true } } });
    const steps = typicalJourney(start + journey * 3_600_000);
    let now = steps[0]!.at;
    let cursor = 0;
    const pending: Input[] = [];
    while (state.status !== 'completed' && decisions < 10_000_000) {
      let input: Input;
      const delivery = pending.shift();
      if (delivery) input = delivery;
      else {
        const wake = nextWakeUp(state) ?? Number.POSITIVE_INFINITY;
        const step = steps[cursor];
        if (step && step.at <= wake) {
          now = Math.max(now, step.at);
          cursor++;
          input = 'ats' in step ? { kind: 'ats', event: { ...step.ats, id: `e${cursor}`, time: step.at } } : step.input;
        } else if (wake !== Number.POSITIVE_INFINITY) {
          now = Math.max(now, wake);
          input = { kind: 'timer' };
        } else break;
      }
      const decision = decide(state, input, now);
      decisions++;
      state = decision.state;
      for (const command of decision.commands) {
        if (command.type === 'deliver') pending.push({ kind: 'delivery', messageId: command.messageId, channel: command.channels[0]!, status: 'delivered' });
      }
    }
  }
  return { decisions, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function benchSimulate(definition: JourneyDefinition): { candidateDays: number; seconds: number; messages: number } {
  const started = process.hrtime.bigint();
  let candidateDays = 0;
  let messages = 0;
  const zones = ['Europe/Stockholm', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];
  for (let i = 0; i < 200; i++) {
    const start = Date.UTC(2025, 0, 6) + i * 7_200_000;
    const result = simulate({ definition, candidate: { timeZone: zones[i % zones.length]!, channels: { email: true, sms: true } }, events: typicalJourney(start) });
    candidateDays += (result.end - result.start) / DAY;
    messages += result.messages.length;
  }
  return { candidateDays, seconds: Number(process.hrtime.bigint() - started) / 1e9, messages };
}

const definition = load('default-en');
benchDecide(definition); // warm-up
benchSimulate(definition);
const d = benchDecide(definition);
const s = benchSimulate(definition);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`decide():   ${fmt(d.decisions / d.seconds)} decisions/s (${fmt(d.decisions)} decisions in ${d.seconds.toFixed(2)} s, typical 60-day journeys)`);
console.log(`simulate(): ${fmt(s.candidateDays / s.seconds)} simulated candidate-days/s (${fmt(s.candidateDays)} days, ${fmt(s.messages)} messages in ${s.seconds.toFixed(2)} s)`);

import { z } from 'zod';
import { AtsEventType, Channel, isValidTimeZone, parseDuration, simulate, StageCategory, type JourneyDefinition, type ScriptedStep } from '../../workflows/engine';
import { reflowText } from '../messaging/text-layout';

/** A time in a simulation script: an ISO time with an offset, or a clock duration after the start ("2d", "26h"). */
const When = z.union([
  z.iso.datetime({ offset: true }),
  z.string().refine((text) => parseDuration(text)?.kind === 'fixed', 'expected an ISO time with an offset or a duration after the start like "2d" or "26h"'),
]);

/** A simulation request: a scripted candidate timeline to run a journey definition over. */
export const SimulationRequest = z
  .object({
    /** When the script starts; default now. */
    start: z.iso.datetime({ offset: true }).optional(),
    /** When to stop; default 60 days after the last event (the run also ends when the journey completes). */
    until: When.optional(),
    candidate: z
      .object({
        timeZone: z.string().refine(isValidTimeZone, 'expected an IANA time zone like "Europe/Stockholm"').optional(),
        locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'expected a locale like "en" or "sv-SE"').optional(),
        channels: z.object({ email: z.boolean().default(true), sms: z.boolean().default(true) }).strict().default({ email: true, sms: true }),
        failingChannels: z.array(Channel).optional(),
      })
      .strict()
      .default({ channels: { email: true, sms: true } }),
    events: z
      .array(
        z
          .object({
            at: When,
            type: AtsEventType,
            stage: StageCategory.optional(),
            positionClosed: z.boolean().optional(),
            interview: z.object({ id: z.string().min(1), start: When, end: When.optional() }).strict().optional(),
          })
          .strict(),
      )
      .min(1, 'a script needs at least one event, usually ats.application.created'),
    /** Values for placeholders, e.g. { "candidate.firstName": "Ada" }. */
    variables: z.record(z.string(), z.string()).optional(),
  })
  .strict();
/** A simulation request. */
export type SimulationRequest = z.infer<typeof SimulationRequest>;

const SAMPLE_VARIABLES: Record<string, string> = {
  'candidate.firstName': 'Ada',
  'candidate.lastName': 'Lovelace',
  'job.title': 'Backend Engineer',
  'job.department': 'Engineering',
  'recruiter.name': 'Grace Hopper',
  'recruiter.email': 'grace@example.com',
  'interview.location': 'Office',
};

const toTime = (when: string, start: number): number => {
  const duration = parseDuration(when);
  return duration?.kind === 'fixed' ? start + duration.ms : Date.parse(when);
};
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Runs the engine's simulator for a request and returns what the candidate would experience, times as ISO strings. */
export function simulateJourney(definition: JourneyDefinition, request: SimulationRequest, context: { companyName: string; now: number }) {
  const start = request.start ? Date.parse(request.start) : context.now;
  const events: ScriptedStep[] = request.events.map((event) => ({
    at: toTime(event.at, start),
    ats: {
      type: event.type,
      ...(event.stage ? { stage: event.stage } : {}),
      ...(event.positionClosed !== undefined ? { positionClosed: event.positionClosed } : {}),
      ...(event.interview
        ? { interview: { id: event.interview.id, start: toTime(event.interview.start, start), ...(event.interview.end ? { end: toTime(event.interview.end, start) } : {}) } }
        : {}),
    },
  }));
  const timeZone = request.candidate.timeZone ?? definition.defaultTimeZone;
  const result = simulate({
    definition,
    start,
    events,
    ...(request.until ? { until: toTime(request.until, start) } : {}),
    candidate: {
      timeZone,
      channels: request.candidate.channels,
      ...(request.candidate.locale ? { locale: request.candidate.locale } : {}),
      ...(request.candidate.failingChannels ? { failingChannels: request.candidate.failingChannels } : {}),
    },
    variables: { ...SAMPLE_VARIABLES, 'company.name': context.companyName, ...request.variables },
  });
  return {
    timeZone,
    start: iso(result.start)!,
    end: iso(result.end)!,
    completed: result.completed,
    ...(result.outcome ? { outcome: result.outcome } : {}),
    messages: result.messages.map((m) => ({
      at: iso(m.at)!,
      localTime: m.localTime,
      template: m.template,
      purpose: m.purpose,
      channel: m.channel,
      attempt: m.attempt,
      ...(m.subject !== undefined ? { subject: m.subject } : {}),
      // Laid out as the e-mail's text part would be (paragraphs reflowed, breaks only where asked).
      ...(m.body !== undefined ? { body: reflowText(m.body) } : {}),
    })),
    alerts: result.alerts.map((a) => ({ at: iso(a.at)!, reason: a.reason })),
    longestSilence: {
      businessDays: result.longestSilence.businessDays,
      hours: result.longestSilence.hours,
      ...(result.longestSilence.from !== undefined ? { from: iso(result.longestSilence.from) } : {}),
      ...(result.longestSilence.to !== undefined ? { to: iso(result.longestSilence.to) } : {}),
    },
    maxSilence: definition.maxSilence,
  };
}

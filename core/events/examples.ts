import { randomUUID } from 'node:crypto';
import { eventKey, type AtsEvent } from './envelope';
import type { AtsEventData, AtsEventType } from './schemas';

/**
 * Example events: one of each type, used by the README ("Events"), the CLI's scenarios and tests.
 * Every example passes validation (a unit test checks it).
 */

/** The data of an example event of each type, for one application. */
export function exampleData(applicationId: string, start = new Date('2026-03-02T09:00:00Z')): { [T in AtsEventType]: AtsEventData<T> } {
  const at = (hours: number) => new Date(start.getTime() + hours * 3_600_000).toISOString().replace('.000Z', 'Z');
  const application = { id: applicationId, jobId: 'job-42', jobTitle: 'Backend Engineer', department: 'Engineering' };
  const candidate = {
    id: 'cand-7',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: '+46701234567',
    locale: 'sv-SE',
    timeZone: 'Europe/Stockholm',
    consent: { email: true, sms: true },
  };
  const recruiter = { name: 'Grace Hopper', email: 'grace@acme.example' };
  const interview = { id: 'int-1', start: at(72), end: at(73), location: 'Office, Stockholm', link: 'https://meet.example.com/abc' };
  const ref = { id: applicationId };
  return {
    'ats.application.created': { application, candidate, stage: { to: { id: 'st-1', name: 'Application Review', category: 'applied' } }, recruiter },
    'ats.application.stage_changed': {
      application: ref,
      stage: { from: { id: 'st-1', name: 'Application Review', category: 'applied' }, to: { id: 'st-2', name: 'Phone Screen', category: 'screening' } },
    },
    'ats.interview.scheduled': { application: ref, interview, recruiter },
    'ats.interview.rescheduled': { application: ref, interview: { ...interview, start: at(96), end: at(97) } },
    'ats.interview.canceled': { application: ref, interview: { id: 'int-1', start: at(96) }, reason: 'Interviewer unavailable' },
    'ats.interview.completed': { application: ref, interview: { id: 'int-1', start: at(96), end: at(97) } },
    'ats.interview.slots_offered': {
      application: ref,
      interview: { id: 'int-1' },
      slots: [
        { id: 'slot-a', start: at(72), end: at(73), location: 'Office, Stockholm' },
        { id: 'slot-b', start: at(96), end: at(97), link: 'https://meet.example.com/abc' },
      ],
      recruiter,
    },
    'ats.offer.extended': { application: ref, recruiter },
    'ats.offer.accepted': { application: ref },
    'ats.offer.declined': { application: ref, reason: 'Accepted another offer' },
    'ats.application.rejected': { application: ref, reason: 'Position filled', positionClosed: true },
    'ats.application.withdrawn': { application: ref, reason: 'Candidate withdrew' },
    'ats.application.hired': { application: ref },
    'ats.candidate.updated': { application: ref, candidate: { ...candidate, consent: { email: true, sms: false } } },
    'ats.candidate.erased': { application: ref, candidate: { id: 'cand-7' } },
  };
}

/** A CloudEvent of `type` for one application, as a platform team would produce it. */
export function exampleEvent<T extends AtsEventType>(type: T, options: { tenant: string; applicationId: string; id?: string; time?: string; data?: AtsEventData<T>; provider?: string }): AtsEvent<T> {
  return {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    source: `ats/${options.provider ?? 'example'}/${options.tenant}`,
    type,
    time: options.time ?? new Date().toISOString(),
    subject: options.applicationId,
    tenant: options.tenant,
    datacontenttype: 'application/json',
    data: options.data ?? exampleData(options.applicationId)[type],
  } as AtsEvent<T>;
}

/** Named sequences of event types: what one application goes through. */
export const SCENARIOS = {
  sample: ['ats.application.created'],
  hired: ['ats.application.created', 'ats.application.stage_changed', 'ats.interview.scheduled', 'ats.interview.completed', 'ats.offer.extended', 'ats.offer.accepted', 'ats.application.hired'],
  rejected: ['ats.application.created', 'ats.application.stage_changed', 'ats.application.rejected'],
  interview: ['ats.application.created', 'ats.interview.scheduled', 'ats.interview.rescheduled', 'ats.interview.canceled'],
  withdrawn: ['ats.application.created', 'ats.application.withdrawn'],
} as const satisfies Record<string, readonly AtsEventType[]>;

/** A scenario's name. */
export type ScenarioName = keyof typeof SCENARIOS;

/**
 * The demo: applications that go different ways, so a board fills with candidates at every stage: one
 * hired, one with an interview coming up, one rejected after screening, one in screening, one withdrawn,
 * one just applied. Application n follows DEMO_PATHS[n % 6].
 */
export const DEMO_PATHS: readonly (readonly AtsEventType[])[] = [
  SCENARIOS.hired,
  ['ats.application.created', 'ats.application.stage_changed', 'ats.interview.scheduled'],
  SCENARIOS.rejected,
  ['ats.application.created', 'ats.application.stage_changed'],
  SCENARIOS.withdrawn,
  SCENARIOS.sample,
];

const DEMO_NAMES = [
  ['Ada', 'Lovelace'],
  ['Alan', 'Turing'],
  ['Grace', 'Hopper'],
  ['Edsger', 'Dijkstra'],
  ['Margaret', 'Hamilton'],
  ['Linus', 'Torvalds'],
] as const;

/** One Kafka message of a scenario: its key, its JSON value and the event. */
export interface ScenarioMessage {
  key: string;
  value: string;
  event: AtsEvent;
}

/**
 * The Kafka messages (key and JSON value) of a scenario for one application, events one second apart.
 * Interviews are dated from `start` (default now), so they are in the future, as a real ATS would send them.
 */
export function scenarioMessages(name: ScenarioName, options: { tenant: string; applicationId: string; provider?: string; start?: Date }): ScenarioMessage[] {
  return pathMessages(SCENARIOS[name], options);
}

function pathMessages(types: readonly AtsEventType[], options: { tenant: string; applicationId: string; provider?: string; start?: Date; candidate?: { firstName: string; lastName: string; n: number } }): ScenarioMessage[] {
  const start = options.start ?? new Date();
  const data = exampleData(options.applicationId, start);
  if (options.candidate) {
    const { firstName, lastName, n } = options.candidate;
    const created = data['ats.application.created'];
    data['ats.application.created'] = {
      ...created,
      candidate: { ...created.candidate, id: `cand-demo-${n}`, firstName, lastName, email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`, phone: `+4670123${String(4500 + n).padStart(4, '0')}` },
    };
  }
  return types.map((type, index) => {
    const event = exampleEvent(type, { ...options, time: new Date(start.getTime() + index * 1000).toISOString(), data: data[type] });
    return { key: eventKey(options.tenant, options.applicationId), value: JSON.stringify(event), event };
  });
}

/**
 * The demo for `count` applications `${base}-1…`, as rounds: round r holds each application's r-th event,
 * so producing round by round (with a pause between) moves every candidate one step at a time.
 */
export function demoRounds(options: { tenant: string; base: string; count: number; provider?: string; start?: Date }): ScenarioMessage[][] {
  const perApplication = Array.from({ length: options.count }, (_, n) => {
    const [firstName, lastName] = DEMO_NAMES[n % DEMO_NAMES.length]!;
    return pathMessages(DEMO_PATHS[n % DEMO_PATHS.length]!, {
      tenant: options.tenant,
      applicationId: `${options.base}-${n + 1}`,
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.start ? { start: options.start } : {}),
      candidate: { firstName, lastName, n: n + 1 },
    });
  });
  const rounds: ScenarioMessage[][] = [];
  for (let r = 0; perApplication.some((messages) => messages.length > r); r++) rounds.push(perApplication.flatMap((messages) => messages.slice(r, r + 1)));
  return rounds;
}

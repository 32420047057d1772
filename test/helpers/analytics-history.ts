import { projectJourney } from '../../core/store/board';
import { recordSurveyAnswer } from '../../core/store/candidate-surveys';
import { createStatusToken } from '../../core/store/status-tokens';
import type { Queryable } from '../../core/store';
import type { TimelineEntry } from '../../workflows/engine';

/**
 * A stored history whose analytics are known by hand: four journeys of tenant acme started on Monday 2026-11-02
 * 10:00 UTC (default-en, Europe/London calendar, maxSilence 5 business days), one started in October (outside
 * the range) and one of globex (another tenant), written the way journeys write them (projectJourney).
 *
 * - A (default-en@aaa, job-1): ack e-mail after 2 min; screening after 1 d (a stage e-mail); rejected after 3 d
 *   with a closing e-mail; survey score 4. Longest silence 2 business days.
 * - B (default-en@aaa, job-1): ack by SMS fails after 11 min, falls back to e-mail at 12 min; the candidate
 *   replies; nothing more until the rejection and closing e-mail 9 days later (Wed 11th): 6 business days, broken.
 * - C (default-en@bbb, job-2 known only from its survey): ack after 1 h; screening after 1 d; withdrawn after
 *   2 d with no closing message; survey score 2.
 * - D (default-en@bbb, job-2): ack by SMS after 1 min; erased after 1 h (not a closed application).
 */
export const T = Date.parse('2026-11-02T10:00:00Z');
export const RANGE = { from: '2026-11-01', to: '2026-12-01' };
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let seq = 0;
const message = (id: string, at: number, purpose: string, channel: 'email' | 'sms', outcome: 'sent' | 'failed' = 'sent'): TimelineEntry[] => [
  { at, type: 'message.dispatched', messageId: id, template: `${purpose}.t`, purpose: purpose as TimelineEntry['purpose'], channel },
  outcome === 'sent'
    ? { at: at + 1000, type: 'message.sent', messageId: id, channel, template: `${purpose}.t` }
    : { at: at + MIN, type: 'message.failed', messageId: id, channel, template: `${purpose}.t`, reason: 'provider rejected the number' },
];
const stage = (at: number, name: string): TimelineEntry => ({ at, type: 'stage.entered', stage: name as TimelineEntry['stage'] });
const completed = (at: number, outcome: string): TimelineEntry => ({ at, type: 'journey.completed', reason: outcome });

async function journey(db: Queryable, tenant: string, id: string, version: string, startedAt: number, entries: TimelineEntry[], outcome: string | null): Promise<void> {
  const last = entries[entries.length - 1]!;
  await projectJourney(db, {
    tenant,
    applicationId: id,
    journeyId: 'default-en',
    definitionVersion: version,
    status: outcome ? 'completed' : 'open',
    outcome,
    stage: [...entries].reverse().find((e) => e.type === 'stage.entered')?.stage ?? 'applied',
    paused: false,
    timeZone: outcome ? null : 'Europe/London',
    locale: outcome ? null : 'en',
    startedAt,
    waitingSince: last.at,
    lastMessage: null,
    nextMessage: null,
    seq: ++seq,
    timeline: { from: 0, entries: [{ at: startedAt, type: 'journey.started', eventId: `${id}:created` }, ...entries] },
  });
}

/** Writes the history; `prefix` keeps application ids apart when several tests share a database. */
export async function seedAnalyticsHistory(db: Queryable, prefix = 'an'): Promise<void> {
  const id = (x: string) => `${prefix}-${x}`;
  await journey(db, 'acme', id('a'), 'default-en@aaa', T, [
    stage(T, 'applied'),
    ...message(id('a:m1'), T + 2 * MIN, 'ack', 'email'),
    stage(T + DAY, 'screening'),
    ...message(id('a:m2'), T + DAY, 'stage', 'email'),
    stage(T + 3 * DAY, 'rejected'),
    ...message(id('a:m3'), T + 3 * DAY, 'closing', 'email'),
    completed(T + 3 * DAY + MIN, 'rejected'),
  ], 'rejected');
  await journey(db, 'acme', id('b'), 'default-en@aaa', T, [
    stage(T, 'applied'),
    ...message(id('b:m1'), T + 10 * MIN, 'ack', 'sms', 'failed'),
    ...message(id('b:m1'), T + 12 * MIN, 'ack', 'email'),
    { at: T + HOUR, type: 'candidate.replied', channel: 'email' },
    stage(T + 9 * DAY, 'rejected'),
    ...message(id('b:m2'), T + 9 * DAY, 'closing', 'email'),
    completed(T + 9 * DAY + MIN, 'rejected'),
  ], 'rejected');
  await journey(db, 'acme', id('c'), 'default-en@bbb', T, [
    stage(T, 'applied'),
    ...message(id('c:m1'), T + HOUR, 'ack', 'email'),
    stage(T + DAY, 'screening'),
    completed(T + 2 * DAY, 'withdrawn'),
  ], 'withdrawn');
  await journey(db, 'acme', id('d'), 'default-en@bbb', T, [stage(T, 'applied'), ...message(id('d:m1'), T + MIN, 'ack', 'sms'), completed(T + HOUR, 'erased')], 'erased');
  // Outside the range, and another tenant's: neither counts.
  await journey(db, 'acme', id('e'), 'default-en@aaa', Date.parse('2026-10-20T10:00:00Z'), [stage(Date.parse('2026-10-20T10:00:00Z'), 'applied'), completed(Date.parse('2026-10-21T10:00:00Z'), 'hired')], 'hired');
  await journey(db, 'globex', id('f'), 'default-en@aaa', T, [stage(T, 'applied'), completed(T + DAY, 'hired')], 'hired');

  const facts = (jobId: string) => ({ jobId, locale: 'en', timeZone: 'Europe/London' });
  await createStatusToken(db, { tenant: 'acme', applicationId: id('a'), messageId: id('a:m1') }, facts('job-1'));
  await createStatusToken(db, { tenant: 'acme', applicationId: id('b'), messageId: id('b:m1') }, facts('job-1'));
  await createStatusToken(db, { tenant: 'acme', applicationId: id('d'), messageId: id('d:m1') }, facts('job-2'));
  const answer = (applicationId: string, version: string, jobId: string | undefined, score: number) =>
    recordSurveyAnswer(db, { tenant: 'acme', applicationId, journeyId: 'default-en', definitionVersion: version, jobId, outcome: 'rejected', score, comment: undefined });
  await answer(id('a'), 'default-en@aaa', 'job-1', 4);
  await answer(id('c'), 'default-en@bbb', 'job-2', 2);
}

/** The figures of the four journeys in RANGE, worked out by hand (see seedAnalyticsHistory). */
export const EXPECTED = {
  applications: 4,
  acknowledgement: {
    acknowledged: 4,
    notYet: 0,
    p50Ms: 2 * MIN,
    p95Ms: HOUR,
    buckets: [
      { label: '≤ 1 min', count: 1 },
      { label: '≤ 5 min', count: 1 },
      { label: '≤ 15 min', count: 1 },
      { label: '≤ 1 h', count: 1 },
      { label: '≤ 4 h', count: 0 },
      { label: '≤ 1 d', count: 0 },
      { label: '> 1 d', count: 0 },
    ],
  },
  silence: {
    measured: 4,
    kept: 3,
    keptShare: 0.75,
    buckets: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10+'].map((label) => ({ label, count: ['0', '1', '2', '6'].includes(label) ? 1 : 0 })),
  },
  closing: { closed: 3, withClosingMessage: 2, share: 2 / 3 },
  messages: [
    { stage: 'applied', channel: 'email', count: 3 },
    { stage: 'applied', channel: 'sms', count: 1 },
    { stage: 'screening', channel: 'email', count: 1 },
    { stage: 'rejected', channel: 'email', count: 2 },
  ],
  delivery: [
    { channel: 'email', sent: 6, failed: 0, fallbacks: 0 },
    { channel: 'sms', sent: 1, failed: 1, fallbacks: 1 },
  ],
  replies: { replied: 1, rate: 0.25 },
  survey: { responses: 2, averageScore: 3, scores: [0, 1, 0, 1, 0] },
  funnel: [
    { stage: 'applied', entered: 4, left: 4, medianMs: DAY, averageMs: (HOUR + 11 * DAY) / 4 },
    { stage: 'screening', entered: 2, left: 2, medianMs: DAY, averageMs: 1.5 * DAY },
    { stage: 'interview', entered: 0, left: 0, medianMs: null, averageMs: null },
    { stage: 'offer', entered: 0, left: 0, medianMs: null, averageMs: null },
    { stage: 'hired', entered: 0, left: 0, medianMs: null, averageMs: null },
    { stage: 'rejected', entered: 2, left: 2, medianMs: MIN, averageMs: MIN },
    { stage: 'withdrawn', entered: 0, left: 0, medianMs: null, averageMs: null },
  ],
};

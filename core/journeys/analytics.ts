/**
 * The promise in figures: what journeys stored (core/store/analytics.ts) turned into the numbers a manager asks
 * for, per tenant, journey, version, job and date range. Pure over the stored rows and the definitions; the API
 * (GET /api/v1/analytics, .csv) and the console's charts (core/journeys/analytics-charts.ts) read the same result.
 */
import { businessDaysBetween, makeCalendar, isValidTimeZone, type JourneyDefinition } from '../../workflows/engine';
import { STAGE_CATEGORIES } from '../../workflows/engine/vocabulary';
import type { VersionedDefinition } from '../../workflows/contracts';
import { readAnalyticsJourneys, readPublishedDefinitions, type AnalyticsJourney, type AnalyticsScope } from '../store/analytics';
import type { Queryable } from '../store/database';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Buckets of time to acknowledgement: up to each bound (ms), the last open-ended. */
export const ACK_BUCKETS: { label: string; upTo: number }[] = [
  { label: '≤ 1 min', upTo: MINUTE },
  { label: '≤ 5 min', upTo: 5 * MINUTE },
  { label: '≤ 15 min', upTo: 15 * MINUTE },
  { label: '≤ 1 h', upTo: HOUR },
  { label: '≤ 4 h', upTo: 4 * HOUR },
  { label: '≤ 1 d', upTo: DAY },
  { label: '> 1 d', upTo: Infinity },
];
/** Longest silence buckets: 0 … 9 whole business days, then 10 or more. */
export const SILENCE_BUCKETS = [...Array.from({ length: 10 }, (_, i) => String(i)), '10+'];

/** The figures of one scope. Times in milliseconds; shares between 0 and 1 (null when nothing to divide). */
export interface AnalyticsReport {
  scope: { from: string; to: string; journeyId: string | null; version: string | null; jobId: string | null };
  applications: number;
  acknowledgement: { acknowledged: number; notYet: number; p50Ms: number | null; p95Ms: number | null; buckets: { label: string; count: number }[] };
  silence: { measured: number; kept: number; keptShare: number | null; buckets: { label: string; count: number }[] };
  closing: { closed: number; withClosingMessage: number; share: number | null };
  messages: { stage: string; channel: string; count: number }[];
  delivery: { channel: string; sent: number; failed: number; fallbacks: number }[];
  replies: { replied: number; rate: number | null };
  survey: { responses: number; averageScore: number | null; scores: number[] };
  funnel: { stage: string; entered: number; left: number; medianMs: number | null; averageMs: number | null }[];
}

/** Nearest-rank percentile of sorted values (p in (0, 1]); null for none. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}
const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);

/** What one journey's timeline says, for the aggregates. */
interface JourneyFacts {
  ackMs: number | null;
  longestSilenceDays: number;
  kept: boolean;
  closed: boolean;
  closingMessage: boolean;
  replied: boolean;
  /** Messages that reached the candidate: the stage they went in and the channel that took them. */
  reached: { stage: string; channel: string }[];
  failed: { channel: string; fallback: boolean }[];
  stays: { stage: string; ms: number | null }[];
}

type Definitions = (version: string, journeyId: string) => Pick<JourneyDefinition, 'maxSilence' | 'defaultTimeZone' | 'businessDays' | 'holidays' | 'businessMorning' | 'quietHours'> | undefined;

/**
 * One journey's facts. A message reached the candidate when a provider took it (sent or delivered); it counts at
 * the time it was dispatched on that channel (what the journey decided, not the provider's latency). The longest
 * silence is the largest gap in whole business days of the candidate's calendar (the definition's business days
 * and holidays, the board's time zone or the definition's default) between the start, each message that reached
 * them, and the end (completion, or `now` while open); the promise is kept when no gap passed `maxSilence`.
 */
function journeyFacts(journey: AnalyticsJourney, definitions: Definitions, now: number): JourneyFacts {
  const definition = definitions(journey.definitionVersion, journey.journeyId);
  const zone = journey.timeZone && isValidTimeZone(journey.timeZone) ? journey.timeZone : definition?.defaultTimeZone ?? 'UTC';
  const calendar = makeCalendar(zone, definition ?? { businessDays: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: [], businessMorning: '09:00' });
  const maxSilence = definition?.maxSilence ?? 5;
  const purposes = new Map<string, string | undefined>();
  const dispatchedAt = new Map<string, number>();
  const counted = new Set<string>();
  const facts: JourneyFacts = { ackMs: null, longestSilenceDays: 0, kept: true, closed: false, closingMessage: false, replied: false, reached: [], failed: [], stays: [] };
  const failedOn = new Map<string, number>();
  const reachedAt: number[] = [];
  let stage: string | undefined;
  let stageSince = journey.startedAt;
  let end: number | undefined;
  for (const e of journey.entries) {
    switch (e.type) {
      case 'stage.entered':
        if (stage && e.stage !== stage) facts.stays.push({ stage, ms: e.at - stageSince });
        if (e.stage && e.stage !== stage) {
          stage = e.stage;
          stageSince = e.at;
        }
        break;
      case 'message.dispatched':
        if (!e.messageId) break;
        if (!purposes.has(e.messageId)) purposes.set(e.messageId, e.purpose);
        dispatchedAt.set(e.messageId, e.at);
        if (failedOn.has(e.messageId) && e.channel) {
          const index = failedOn.get(e.messageId)!;
          facts.failed[index]!.fallback = true;
          failedOn.delete(e.messageId);
        }
        break;
      case 'message.sent':
      case 'message.delivered': {
        if (!e.messageId || counted.has(e.messageId)) break;
        counted.add(e.messageId);
        const at = dispatchedAt.get(e.messageId) ?? e.at;
        reachedAt.push(at);
        facts.reached.push({ stage: stage ?? 'applied', channel: e.channel ?? 'unknown' });
        const purpose = purposes.get(e.messageId);
        if (purpose === 'ack' && facts.ackMs === null) facts.ackMs = Math.max(0, at - journey.startedAt);
        if (purpose === 'closing') facts.closingMessage = true;
        break;
      }
      case 'message.failed':
        // A message that waits for details an event has not brought yet is no channel's failure.
        if (!e.channel || e.reason?.startsWith('TemplateDataMissing')) break;
        if (e.messageId) failedOn.set(e.messageId, facts.failed.length);
        facts.failed.push({ channel: e.channel, fallback: false });
        break;
      case 'candidate.replied':
        facts.replied = true;
        break;
      case 'journey.completed':
        end = e.at;
        facts.closed = e.reason !== 'erased';
        break;
      default:
        break;
    }
  }
  if (stage) facts.stays.push({ stage, ms: end === undefined ? null : end - stageSince });
  const points = [journey.startedAt, ...reachedAt.sort((a, b) => a - b), Math.max(journey.startedAt, end ?? now)];
  // Counting business days reads the time zone a few times per day counted (Intl, most of a report's time), and only
  // the longest gap matters: the gaps go longest first, and one that cannot beat the longest so far is not counted.
  // The k-th business day after `from` is k local days later, so at least k days less a zone's offset change (a day
  // at most) in real time: a gap of `ms` holds at most floor((ms + 25 h) / 1 d) business days.
  const gaps = points.slice(1).map((to, i) => ({ from: points[i]!, to })).sort((a, b) => b.to - b.from - (a.to - a.from));
  for (const gap of gaps) {
    if (Math.floor((gap.to - gap.from + DAY + HOUR) / DAY) <= facts.longestSilenceDays) break;
    facts.longestSilenceDays = Math.max(facts.longestSilenceDays, businessDaysBetween(gap.from, gap.to, calendar));
  }
  facts.kept = facts.longestSilenceDays <= maxSilence;
  return facts;
}

/** Aggregates journeys' facts into the report. */
export function summarize(journeys: AnalyticsJourney[], definitions: Definitions, scope: AnalyticsScope, now: number): AnalyticsReport {
  const facts = journeys.map((j) => journeyFacts(j, definitions, now));
  const acks = facts.map((f) => f.ackMs).filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
  const ackBuckets = ACK_BUCKETS.map((b) => ({ label: b.label, count: 0 }));
  for (const ms of acks) ackBuckets[ACK_BUCKETS.findIndex((b) => ms <= b.upTo)]!.count++;
  const silenceBuckets = SILENCE_BUCKETS.map((label) => ({ label, count: 0 }));
  for (const f of facts) silenceBuckets[Math.min(SILENCE_BUCKETS.length - 1, f.longestSilenceDays)]!.count++;
  const kept = facts.filter((f) => f.kept).length;
  const closed = facts.filter((f) => f.closed);
  const messages = new Map<string, { stage: string; channel: string; count: number }>();
  const delivery = new Map<string, { channel: string; sent: number; failed: number; fallbacks: number }>();
  const channel = (name: string) => delivery.get(name) ?? delivery.set(name, { channel: name, sent: 0, failed: 0, fallbacks: 0 }).get(name)!;
  for (const f of facts) {
    for (const r of f.reached) {
      const key = `${r.stage}\u0000${r.channel}`;
      (messages.get(key) ?? messages.set(key, { stage: r.stage, channel: r.channel, count: 0 }).get(key)!).count++;
      channel(r.channel).sent++;
    }
    for (const x of f.failed) {
      channel(x.channel).failed++;
      if (x.fallback) channel(x.channel).fallbacks++;
    }
  }
  const stageOrder = (s: string) => ((STAGE_CATEGORIES as readonly string[]).indexOf(s) + 1 || 99);
  const scores = [0, 0, 0, 0, 0];
  const answered = journeys.filter((j) => j.score !== null);
  for (const j of answered) scores[j.score! - 1]!++;
  const funnel = STAGE_CATEGORIES.map((stage) => {
    const stays = facts.flatMap((f) => f.stays.filter((s) => s.stage === stage));
    const done = stays.map((s) => s.ms).filter((ms): ms is number => ms !== null);
    const entered = facts.filter((f) => f.stays.some((s) => s.stage === stage)).length;
    return { stage, entered, left: done.length, medianMs: median(done), averageMs: done.length ? Math.round(done.reduce((a, b) => a + b, 0) / done.length) : null };
  });
  return {
    scope: { from: scope.from, to: scope.to, journeyId: scope.journeyId ?? null, version: scope.version ?? null, jobId: scope.jobId ?? null },
    applications: journeys.length,
    acknowledgement: { acknowledged: acks.length, notYet: journeys.length - acks.length, p50Ms: percentile(acks, 0.5), p95Ms: percentile(acks, 0.95), buckets: ackBuckets },
    silence: { measured: facts.length, kept, keptShare: share(kept, facts.length), buckets: silenceBuckets },
    closing: { closed: closed.length, withClosingMessage: closed.filter((f) => f.closingMessage).length, share: share(closed.filter((f) => f.closingMessage).length, closed.length) },
    messages: [...messages.values()].sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage) || a.stage.localeCompare(b.stage) || a.channel.localeCompare(b.channel)),
    delivery: [...delivery.values()].sort((a, b) => a.channel.localeCompare(b.channel)),
    replies: { replied: facts.filter((f) => f.replied).length, rate: share(facts.filter((f) => f.replied).length, facts.length) },
    survey: { responses: answered.length, averageScore: answered.length ? Math.round((answered.reduce((a, j) => a + j.score!, 0) / answered.length) * 100) / 100 : null, scores },
    funnel,
  };
}

/**
 * The report of a scope, read from the store: the journeys, and the definitions of the versions they ran (published
 * versions from journey_versions, shipped defaults from `shipped`; a version neither knows falls back to the shipped
 * journey of the same id, then to a 5-business-day maxSilence on weekdays).
 */
export async function analyticsReport(db: Queryable, scope: AnalyticsScope, shipped: Map<string, VersionedDefinition>, now = Date.now()): Promise<AnalyticsReport> {
  const journeys = await readAnalyticsJourneys(db, scope);
  const published = await readPublishedDefinitions(db, scope.tenantId, [...new Set(journeys.map((j) => j.definitionVersion))]);
  const shippedList = [...shipped.values()];
  const definitions: Definitions = (version, journeyId) =>
    (published.get(version) as JourneyDefinition | undefined) ??
    shippedList.find((d) => d.version === version)?.definition ??
    shippedList.find((d) => d.definition.id === journeyId)?.definition;
  return summarize(journeys, definitions, scope, now);
}

const csvCell = (value: string | number | null | undefined) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@\t]/.test(text) ? `"${(/^[=+\-@\t]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"` : text;
};

/** The report as CSV, one figure a line: section, key (bucket, stage, channel), metric, value. */
export function analyticsCsv(report: AnalyticsReport): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'metric', 'value']];
  const add = (section: string, key: string, metric: string, value: string | number | null) => rows.push([section, key, metric, value]);
  add('scope', 'from', 'value', report.scope.from);
  add('scope', 'to', 'value', report.scope.to);
  add('scope', 'journey', 'value', report.scope.journeyId);
  add('scope', 'version', 'value', report.scope.version);
  add('scope', 'job', 'value', report.scope.jobId);
  add('applications', '', 'count', report.applications);
  const a = report.acknowledgement;
  add('acknowledgement', '', 'acknowledged', a.acknowledged);
  add('acknowledgement', '', 'not_yet', a.notYet);
  add('acknowledgement', '', 'p50_ms', a.p50Ms);
  add('acknowledgement', '', 'p95_ms', a.p95Ms);
  for (const b of a.buckets) add('acknowledgement', b.label, 'count', b.count);
  add('silence', '', 'measured', report.silence.measured);
  add('silence', '', 'kept', report.silence.kept);
  add('silence', '', 'kept_share', report.silence.keptShare);
  for (const b of report.silence.buckets) add('silence', `${b.label} business days`, 'count', b.count);
  add('closing', '', 'closed', report.closing.closed);
  add('closing', '', 'with_closing_message', report.closing.withClosingMessage);
  add('closing', '', 'share', report.closing.share);
  for (const m of report.messages) add('messages', `${m.stage}/${m.channel}`, 'count', m.count);
  for (const d of report.delivery) {
    add('delivery', d.channel, 'sent', d.sent);
    add('delivery', d.channel, 'failed', d.failed);
    add('delivery', d.channel, 'fallbacks', d.fallbacks);
  }
  add('replies', '', 'replied', report.replies.replied);
  add('replies', '', 'rate', report.replies.rate);
  add('survey', '', 'responses', report.survey.responses);
  add('survey', '', 'average_score', report.survey.averageScore);
  report.survey.scores.forEach((count, i) => add('survey', String(i + 1), 'count', count));
  for (const f of report.funnel) {
    add('funnel', f.stage, 'entered', f.entered);
    add('funnel', f.stage, 'left', f.left);
    add('funnel', f.stage, 'median_ms', f.medianMs);
    add('funnel', f.stage, 'average_ms', f.averageMs);
  }
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

import type { Queryable } from './database';
import type { TimelineEntry } from '../../workflows/engine';

/** Which applications the analytics cover: one tenant, started in [from, to), optionally one journey, version or job. */
export interface AnalyticsScope {
  tenantId: string;
  /** ISO instants; applications count by when their journey started. */
  from: string;
  to: string;
  journeyId?: string | undefined;
  /** A journey version label, e.g. default-sv@v2. */
  version?: string | undefined;
  jobId?: string | undefined;
}

/** One application as the analytics read it: its board row, job, survey score and the timeline entries that matter. */
export interface AnalyticsJourney {
  applicationId: string;
  journeyId: string;
  definitionVersion: string;
  status: 'open' | 'closing' | 'completed';
  outcome: string | null;
  startedAt: number;
  timeZone: string | null;
  jobId: string | null;
  score: number | null;
  /** Oldest first. */
  entries: TimelineEntry[];
}

/** The timeline entry types the figures use (the rest stay in the store). */
export const ANALYTICS_ENTRY_TYPES = [
  'journey.started',
  'stage.entered',
  'message.dispatched',
  'message.sent',
  'message.delivered',
  'message.failed',
  'candidate.replied',
  'journey.completed',
] as const;

const parsed = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/**
 * The applications of a scope with their timelines, from what journeys stored (journey_board, journey_timeline,
 * status_pages for the job, candidate_surveys for the score and, failing the status page, the job); never from
 * workflows. The job is the one the last message linking the status page named, or the survey's. One statement:
 * board rows over the (tenant, started_at) range, each with its relevant timeline entries as one array.
 */
export async function readAnalyticsJourneys(db: Queryable, scope: AnalyticsScope): Promise<AnalyticsJourney[]> {
  const params: unknown[] = [scope.tenantId, scope.from, scope.to, [...ANALYTICS_ENTRY_TYPES]];
  const clauses = ['b.tenant_id = $1', 'b.started_at >= $2::timestamptz', 'b.started_at < $3::timestamptz'];
  if (scope.journeyId) clauses.push(`b.journey_id = $${params.push(scope.journeyId)}`);
  if (scope.version) clauses.push(`b.definition_version = $${params.push(scope.version)}`);
  if (scope.jobId) clauses.push(`coalesce(p.job_id, s.job_id) = $${params.push(scope.jobId)}`);
  const { rows } = await db.query<{
    application_id: string;
    journey_id: string;
    definition_version: string;
    status: AnalyticsJourney['status'];
    outcome: string | null;
    started_at: Date | string;
    time_zone: string | null;
    job_id: string | null;
    score: number | null;
    entries: unknown;
  }>(
    `select b.application_id, b.journey_id, b.definition_version, b.status, b.outcome, b.started_at, b.time_zone,
       coalesce(p.job_id, s.job_id) as job_id, s.score,
       (select coalesce(jsonb_agg(t.entry order by t.n), '[]'::jsonb) from journey_timeline t
         where t.tenant_id = b.tenant_id and t.application_id = b.application_id and t.entry->>'type' = any($4::text[])) as entries
     from journey_board b
     left join status_pages p on p.tenant_id = b.tenant_id and p.application_id = b.application_id
     left join candidate_surveys s on s.tenant_id = b.tenant_id and s.application_id = b.application_id
     where ${clauses.join(' and ')}
     order by b.started_at, b.application_id`,
    params,
  );
  return rows.map((r) => ({
    applicationId: r.application_id,
    journeyId: r.journey_id,
    definitionVersion: r.definition_version,
    status: r.status,
    outcome: r.outcome,
    startedAt: new Date(r.started_at).getTime(),
    timeZone: r.time_zone,
    jobId: r.job_id,
    score: r.score === null ? null : Number(r.score),
    entries: parsed(r.entries) as TimelineEntry[],
  }));
}

/** The published definitions (jsonb) of the given `{journeyId}@v{n}` labels of a tenant, by label. */
export async function readPublishedDefinitions(db: Queryable, tenantId: string, labels: string[]): Promise<Map<string, unknown>> {
  const wanted = labels.map((label) => /^(.+)@v(\d+)$/.exec(label)).filter((m): m is RegExpExecArray => m !== null);
  if (wanted.length === 0) return new Map();
  const { rows } = await db.query<{ journey_id: string; version: number; definition: unknown }>(
    `select v.journey_id, v.version, v.definition from journey_versions v
     join unnest($2::text[], $3::int[]) as w(journey_id, version) on w.journey_id = v.journey_id and w.version = v.version
     where v.tenant_id = $1`,
    [tenantId, wanted.map((m) => m[1]!), wanted.map((m) => Number(m[2]))],
  );
  return new Map(rows.map((r) => [`${r.journey_id}@v${Number(r.version)}`, parsed(r.definition)]));
}

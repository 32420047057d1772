import { validateDefinition, type JourneyDefinition } from '../../workflows/engine';
import type { Queryable } from './database';

/** Where a tenant's journeys, drafts, published versions and job assignments are stored (migration 005). */

/** A journey as the API shows it: its draft and its latest published version number. */
export interface JourneySummary {
  id: string;
  name: string | undefined;
  draft: JourneyDefinition | undefined;
  draftUpdatedAt: string | undefined;
  latestVersion: number | undefined;
  publishedAt: string | undefined;
}

/** One immutable published version. */
export interface JourneyVersion {
  journeyId: string;
  version: number;
  /** The label running journeys carry as their definition version: `{journeyId}@v{version}`. */
  label: string;
  definition: JourneyDefinition;
  publishedAt: string;
  /** The YAML it was published from, comments and all, when it was written as YAML. */
  source?: string;
}

/** Which journey a job (or, with jobId `*`, the whole tenant) follows. */
export interface JourneyAssignment {
  jobId: string;
  journeyId: string;
  updatedAt: string;
}

/** The job id that stands for the tenant's default assignment. */
export const TENANT_DEFAULT_JOB = '*';

/** The definition version label a published version runs under. */
export const versionLabel = (journeyId: string, version: number) => `${journeyId}@v${version}`;

const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/**
 * Definitions are stored after validation, with defaults filled in; they are validated again on the way out,
 * so a row written by an older engine cannot reach a running journey unchecked.
 */
function revalidate(raw: unknown, where: string): JourneyDefinition {
  const result = validateDefinition(json(raw));
  if (!result.ok) throw new Error(`Stored journey ${where} no longer validates: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return result.definition;
}

interface JourneyRow {
  journey_id: string;
  draft: unknown;
  draft_updated_at: unknown;
  latest_version: number | null;
  published_at: unknown;
  latest_definition: unknown;
}

const SUMMARY_SQL = `
  select j.journey_id, j.draft, j.draft_updated_at, v.version as latest_version, v.published_at, v.definition as latest_definition
  from journeys j
  left join lateral (
    select version, published_at, definition from journey_versions
    where tenant_id = j.tenant_id and journey_id = j.journey_id order by version desc limit 1
  ) v on true
  where j.tenant_id = $1`;

function toSummary(row: JourneyRow): JourneySummary {
  const draft = row.draft ? json<JourneyDefinition>(row.draft) : undefined;
  const latest = row.latest_definition ? json<JourneyDefinition>(row.latest_definition) : undefined;
  return {
    id: row.journey_id,
    name: (draft ?? latest)?.name,
    draft,
    draftUpdatedAt: row.draft_updated_at ? iso(row.draft_updated_at) : undefined,
    latestVersion: row.latest_version === null ? undefined : Number(row.latest_version),
    publishedAt: row.published_at ? iso(row.published_at) : undefined,
  };
}

/** Every journey of a tenant, by id. */
export async function listJourneys(db: Queryable, tenantId: string): Promise<JourneySummary[]> {
  const { rows } = await db.query<JourneyRow>(`${SUMMARY_SQL} order by j.journey_id`, [tenantId]);
  return rows.map(toSummary);
}

/** One journey of a tenant, or undefined. */
export async function getJourney(db: Queryable, tenantId: string, journeyId: string): Promise<JourneySummary | undefined> {
  const { rows } = await db.query<JourneyRow>(`${SUMMARY_SQL} and j.journey_id = $2`, [tenantId, journeyId]);
  return rows[0] ? toSummary(rows[0]) : undefined;
}

/** The YAML a journey's draft was saved as (comments and all), if it was saved as YAML. */
export async function getDraftSource(db: Queryable, tenantId: string, journeyId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ draft_source: string | null }>('select draft_source from journeys where tenant_id = $1 and journey_id = $2', [tenantId, journeyId]);
  return rows[0]?.draft_source ?? undefined;
}

/** Saves (creates or replaces) a journey's draft; the definition must already be validated. Returns whether the journey is new. */
export async function saveDraft(db: Queryable, tenantId: string, definition: JourneyDefinition, source: string | undefined): Promise<{ created: boolean }> {
  const { rows } = await db.query<{ created: boolean }>(
    `insert into journeys (tenant_id, journey_id, draft, draft_source, draft_updated_at) values ($1, $2, $3, $4, now())
     on conflict (tenant_id, journey_id) do update set draft = excluded.draft, draft_source = excluded.draft_source, draft_updated_at = now()
     returning (xmax = 0) as created`,
    [tenantId, definition.id, JSON.stringify(definition), source ?? null],
  );
  return { created: rows[0]?.created === true };
}

/**
 * Publishes the journey's current draft as the next version. Runs in the caller's transaction; the row lock
 * on the journey serialises two publishes of the same journey. Undefined when there is no draft.
 */
export async function publishDraft(tx: Queryable, tenantId: string, journeyId: string): Promise<JourneyVersion | undefined> {
  const { rows } = await tx.query<{ draft: unknown; draft_source: string | null }>(
    'select draft, draft_source from journeys where tenant_id = $1 and journey_id = $2 for update',
    [tenantId, journeyId],
  );
  const row = rows[0];
  if (!row?.draft) return undefined;
  const definition = revalidate(row.draft, `${tenantId}/${journeyId} (draft)`);
  const next = await tx.query<{ version: number; published_at: unknown }>(
    `insert into journey_versions (tenant_id, journey_id, version, definition, source)
     select $1, $2, coalesce(max(version), 0) + 1, $3, $4 from journey_versions where tenant_id = $1 and journey_id = $2
     returning version, published_at`,
    [tenantId, journeyId, JSON.stringify(definition), row.draft_source],
  );
  const version = Number(next.rows[0]!.version);
  return { journeyId, version, label: versionLabel(journeyId, version), definition, publishedAt: iso(next.rows[0]!.published_at) };
}

/** Every published version of a journey, newest first (definitions included). */
export async function listVersions(db: Queryable, tenantId: string, journeyId: string): Promise<JourneyVersion[]> {
  const { rows } = await db.query<{ version: number; definition: unknown; published_at: unknown }>(
    'select version, definition, published_at from journey_versions where tenant_id = $1 and journey_id = $2 order by version desc',
    [tenantId, journeyId],
  );
  return rows.map((r) => ({
    journeyId,
    version: Number(r.version),
    label: versionLabel(journeyId, Number(r.version)),
    definition: json<JourneyDefinition>(r.definition),
    publishedAt: iso(r.published_at),
  }));
}

/** One published version, or the latest when `version` is undefined. */
export async function getVersion(db: Queryable, tenantId: string, journeyId: string, version?: number): Promise<JourneyVersion | undefined> {
  const { rows } = await db.query<{ version: number; definition: unknown; published_at: unknown; source: string | null }>(
    `select version, definition, published_at, source from journey_versions where tenant_id = $1 and journey_id = $2 ${version === undefined ? '' : 'and version = $3'}
     order by version desc limit 1`,
    version === undefined ? [tenantId, journeyId] : [tenantId, journeyId, version],
  );
  const row = rows[0];
  if (!row) return undefined;
  const n = Number(row.version);
  return {
    journeyId,
    version: n,
    label: versionLabel(journeyId, n),
    definition: revalidate(row.definition, `${tenantId}/${journeyId}@v${n}`),
    publishedAt: iso(row.published_at),
    ...(row.source ? { source: row.source } : {}),
  };
}

/** The label of a journey's newest published version (`default-sv@v3`); undefined when it has none. One index read. */
export async function latestVersionLabel(db: Queryable, tenantId: string, journeyId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ version: number | null }>('select max(version) as version from journey_versions where tenant_id = $1 and journey_id = $2', [tenantId, journeyId]);
  const version = rows[0]?.version;
  return version === null || version === undefined ? undefined : versionLabel(journeyId, Number(version));
}

/** A tenant's job assignments; the tenant default has jobId `*`. */
export async function listAssignments(db: Queryable, tenantId: string): Promise<JourneyAssignment[]> {
  const { rows } = await db.query<{ job_id: string; journey_id: string; updated_at: unknown }>(
    'select job_id, journey_id, updated_at from journey_assignments where tenant_id = $1 order by job_id',
    [tenantId],
  );
  return rows.map((r) => ({ jobId: r.job_id, journeyId: r.journey_id, updatedAt: iso(r.updated_at) }));
}

/** Assigns a journey to a job (or, with `*`, makes it the tenant default). */
export async function assignJourney(db: Queryable, tenantId: string, jobId: string, journeyId: string): Promise<JourneyAssignment> {
  const { rows } = await db.query<{ updated_at: unknown }>(
    `insert into journey_assignments (tenant_id, job_id, journey_id) values ($1, $2, $3)
     on conflict (tenant_id, job_id) do update set journey_id = excluded.journey_id, updated_at = now() returning updated_at`,
    [tenantId, jobId, journeyId],
  );
  return { jobId, journeyId, updatedAt: iso(rows[0]!.updated_at) };
}

/** Removes a job's assignment (the job then follows the tenant default); whether one existed. */
export async function unassignJourney(db: Queryable, tenantId: string, jobId: string): Promise<boolean> {
  const { rows } = await db.query('delete from journey_assignments where tenant_id = $1 and job_id = $2 returning job_id', [tenantId, jobId]);
  return rows.length > 0;
}

/**
 * The published journey a new application of `jobId` follows: the job's assignment, then the tenant's
 * default assignment, then the tenant's own published version of `fallbackId` (a shipped default it
 * overrides). Undefined when none has a published version: the shipped default applies.
 */
export async function publishedJourneyFor(db: Queryable, tenantId: string, jobId: string | undefined, fallbackId: string): Promise<JourneyVersion | undefined> {
  const { rows } = await db.query<{ journey_id: string }>(
    `select journey_id from (
       select journey_id, 0 as rank from journey_assignments where tenant_id = $1 and job_id = $2
       union all select journey_id, 1 from journey_assignments where tenant_id = $1 and job_id = '${TENANT_DEFAULT_JOB}'
       union all select $3::text, 2
     ) c where exists (select 1 from journey_versions v where v.tenant_id = $1 and v.journey_id = c.journey_id)
     order by rank limit 1`,
    [tenantId, jobId ?? '', fallbackId],
  );
  return rows[0] ? getVersion(db, tenantId, rows[0].journey_id) : undefined;
}

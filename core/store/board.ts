import type { Queryable } from './database';
import type { JourneyBoardEntry } from '../../workflows/shared';

const at = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * Writes one journey's row on the recruiters' board (journey_board). The journey calls this as a local
 * activity after each decision that changed what the board shows. The write is a whole-row upsert that
 * lands only when its `seq` is above the row's, so a retried, duplicated or late write never moves a row
 * backwards. A completed journey keeps only ids, stage and outcome (nothing about the candidate's
 * messages, time zone or locale), also after an erasure.
 */
export async function projectJourney(db: Queryable, entry: JourneyBoardEntry): Promise<void> {
  const completed = entry.status === 'completed';
  const last = completed ? null : entry.lastMessage;
  const next = completed ? null : entry.nextMessage;
  await db.query(
    `insert into journey_board (tenant_id, application_id, journey_id, definition_version, status, outcome, stage, paused,
       time_zone, locale, started_at, waiting_since, last_message_template, last_message_channel, last_message_at,
       next_message_template, next_message_at, seq, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12::timestamptz, $13, $14, $15::timestamptz, $16, $17::timestamptz, $18, now())
     on conflict (tenant_id, application_id) do update set
       journey_id = excluded.journey_id, definition_version = excluded.definition_version, status = excluded.status,
       outcome = excluded.outcome, stage = excluded.stage, paused = excluded.paused, time_zone = excluded.time_zone,
       locale = excluded.locale, started_at = excluded.started_at, waiting_since = excluded.waiting_since,
       last_message_template = excluded.last_message_template, last_message_channel = excluded.last_message_channel,
       last_message_at = excluded.last_message_at, next_message_template = excluded.next_message_template,
       next_message_at = excluded.next_message_at, seq = excluded.seq, updated_at = excluded.updated_at
     where excluded.seq > journey_board.seq`,
    [
      entry.tenant,
      entry.applicationId,
      entry.journeyId,
      entry.definitionVersion,
      entry.status,
      entry.outcome,
      entry.stage,
      entry.paused,
      completed ? null : entry.timeZone,
      completed ? null : entry.locale,
      at(entry.startedAt),
      at(entry.waitingSince),
      last?.template ?? null,
      last?.channel ?? null,
      at(last?.at),
      next?.template ?? null,
      at(next?.dueAt),
      entry.seq,
    ],
  );
}

/**
 * Marks a board row completed when its journey turned out to have ended without saying so (terminated by
 * an operator, or its last write failed): nothing is known about it any more, so only ids and stage stay.
 */
export async function markJourneyGone(db: Queryable, tenant: string, applicationId: string): Promise<void> {
  await db.query(
    `update journey_board set status = 'completed', time_zone = null, locale = null, last_message_template = null,
       last_message_channel = null, last_message_at = null, next_message_template = null, next_message_at = null,
       updated_at = now()
     where tenant_id = $1 and application_id = $2 and status <> 'completed'`,
    [tenant, applicationId],
  );
}

/** Which rows of the board a page shows: stage, waiting since before, SLA state, page size and the cursor. */
export interface BoardQuery {
  stage?: string | undefined;
  waitingSinceBefore?: string | undefined;
  sla?: 'breached' | 'ok' | undefined;
  limit: number;
  /** Start after this row in the board's order (waiting since, then application id). */
  cursor?: { waitingSince: string; applicationId: string } | undefined;
}

/** One row of a board page, with the application's open recruiter alerts. */
export interface BoardRow {
  application_id: string;
  journey_id: string;
  definition_version: string;
  stage: string;
  status: string;
  paused: boolean;
  time_zone: string | null;
  locale: string | null;
  started_at: Date | string | null;
  waiting_since: Date | string;
  last_message_template: string | null;
  last_message_channel: string | null;
  last_message_at: Date | string | null;
  next_message_template: string | null;
  next_message_at: Date | string | null;
  open_alerts: number;
  alert_reasons: string[] | null;
}

const OPEN_ALERT = 'select 1 from recruiter_alerts r where r.tenant_id = b.tenant_id and r.application_id = b.application_id and r.acknowledged_at is null';

/**
 * The conditions and parameters of a board query: `where` for every match (the total, using the first
 * `whereParams` parameters), `page` adds the cursor.
 */
function boardFilter(tenantId: string, query: BoardQuery): { where: string; page: string; params: unknown[]; whereParams: number } {
  const params: unknown[] = [tenantId];
  const clauses = ['b.tenant_id = $1', "b.status <> 'completed'"];
  if (query.stage) clauses.push(`b.stage = $${params.push(query.stage)}`);
  if (query.waitingSinceBefore) clauses.push(`b.waiting_since < $${params.push(new Date(query.waitingSinceBefore).toISOString())}::timestamptz`);
  if (query.sla === 'breached') clauses.push(`exists (${OPEN_ALERT})`);
  if (query.sla === 'ok') clauses.push(`not exists (${OPEN_ALERT})`);
  const where = clauses.join(' and ');
  const whereParams = params.length;
  if (!query.cursor) return { where, page: where, params, whereParams };
  const at = params.push(query.cursor.waitingSince);
  const id = params.push(query.cursor.applicationId);
  return { where, page: `${where} and (b.waiting_since, b.application_id) > ($${at}::timestamptz, $${id})`, params, whereParams };
}

/**
 * One page of the board (up to `limit + 1` rows, so the caller sees whether more follow), longest waiting
 * first, with the open recruiter alerts of each application, and the total of every match. One statement:
 * the page by index order, each row's alerts, and the total (computed once).
 */
export async function readBoardPage(db: Queryable, tenantId: string, query: BoardQuery): Promise<{ rows: BoardRow[]; total: number }> {
  const { where, page, params, whereParams } = boardFilter(tenantId, query);
  const limit = params.push(query.limit + 1);
  // The page is cut first (the board index gives its order), then each of its rows gets its open alerts.
  const rows = await db.query<BoardRow & { total: number }>(
    `select (select count(*)::int from journey_board b where ${where}) as total, b.*, a.open_alerts, a.alert_reasons
     from (
       select b.tenant_id, b.application_id, b.journey_id, b.definition_version, b.stage, b.status, b.paused, b.time_zone,
         b.locale, b.started_at, b.waiting_since, b.last_message_template, b.last_message_channel, b.last_message_at,
         b.next_message_template, b.next_message_at
       from journey_board b where ${page} order by b.waiting_since, b.application_id limit $${limit}
     ) b
     cross join lateral (
       select count(*)::int as open_alerts, array_agg(distinct r.reason order by r.reason) as alert_reasons from recruiter_alerts r
       where r.tenant_id = b.tenant_id and r.application_id = b.application_id and r.acknowledged_at is null
     ) a
     order by b.waiting_since, b.application_id`,
    params,
  );
  // An empty page (past the end, or nothing matches) has no row to carry the total.
  const total = rows.rows[0]?.total ?? (await db.query<{ total: number }>(`select count(*)::int as total from journey_board b where ${where}`, params.slice(0, whereParams))).rows[0]?.total ?? 0;
  return { rows: rows.rows, total: Number(total) };
}

/**
 * The open journeys (board rows not completed) of a tenant that follow one journey, by application id, with
 * the version each runs; and how many journeys of the tenant are open in all.
 */
export async function openJourneysOf(db: Queryable, tenantId: string, journeyId: string): Promise<{ rows: { application_id: string; definition_version: string }[]; open: number }> {
  const { rows } = await db.query<{ application_id: string; definition_version: string }>(
    `select application_id, definition_version from journey_board
     where tenant_id = $1 and journey_id = $2 and status <> 'completed' order by application_id`,
    [tenantId, journeyId],
  );
  const open = await db.query<{ n: number }>(`select count(*)::int as n from journey_board where tenant_id = $1 and status <> 'completed'`, [tenantId]);
  return { rows, open: Number(open.rows[0]?.n ?? 0) };
}

/** Refreshes the planner statistics of the board and the alerts (embedded PGlite runs no autovacuum). */
export async function analyzeBoard(db: Queryable): Promise<void> {
  await db.query('analyze journey_board, recruiter_alerts');
}

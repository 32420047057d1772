import { runCarriedWrites, type CarriedWrite, type Queryable } from './database';
import type { JourneyBoardEntry, JourneyStatus } from '../../workflows/shared';
import { TIMELINE_LIMIT, type TimelineEntry } from '../../workflows/engine';
import { searchWords, wordTokens } from './people';

const at = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The status fields a completed journey's detail drops, as its board row drops time zone, locale and message times. */
const PERSONAL_WHEN_COMPLETED = ['timeZone', 'locale', 'lastMessageAt', 'nextWakeUp'] as const;

/** The detail as stored: a completed journey keeps ids, stage, outcome and counts, nothing about the candidate. */
function storedDetail(entry: JourneyBoardEntry): string | null {
  if (!entry.detail) return null;
  if (entry.status !== 'completed') return JSON.stringify(entry.detail);
  const kept: Record<string, unknown> = { ...entry.detail, scheduled: [] };
  for (const key of PERSONAL_WHEN_COMPLETED) delete kept[key];
  return JSON.stringify(kept);
}

/**
 * Writes one journey's row on the recruiters' board (journey_board), its status detail and the timeline
 * entries recorded since its last write (journey_timeline), in one statement, so a reader never sees a row
 * newer than its timeline. The journey calls this as a local activity after each decision that changed what
 * the board shows. The row is a whole-row upsert that lands only when its `seq` is above the row's, so a
 * retried, duplicated or late write never moves a row backwards; timeline entries are keyed by their number
 * and the first write of a number stays, so a retry that repeats entries changes nothing. A completed journey
 * keeps only ids, stage and outcome (nothing about the candidate's messages, time zone or locale), also after
 * an erasure.
 */
export async function projectJourney(db: Queryable, entry: JourneyBoardEntry): Promise<void> {
  await runCarriedWrites(db, [journeyBoardWrite(entry)]);
}

/**
 * projectJourney's write, for a statement to carry (ingest's record of a new journey goes with the first read of its
 * acknowledgement's send). An unreferenced data-modifying WITH still runs, exactly once, in the statement's snapshot
 * and transaction.
 */
export function journeyBoardWrite(entry: JourneyBoardEntry): CarriedWrite {
  const completed = entry.status === 'completed';
  const last = completed ? null : entry.lastMessage;
  const next = completed ? null : entry.nextMessage;
  return {
    bodies: (p) => [
      `insert into journey_timeline (tenant_id, application_id, n, entry)
       select ${p(1)}, ${p(2)}, ${p(20)}::int + (t.ord::int - 1), t.entry from jsonb_array_elements(${p(21)}::jsonb) with ordinality as t(entry, ord)
       on conflict (tenant_id, application_id, n) do nothing`,
      `insert into journey_board (tenant_id, application_id, journey_id, definition_version, status, outcome, stage, paused,
         time_zone, locale, started_at, waiting_since, last_message_template, last_message_channel, last_message_at,
         next_message_template, next_message_at, seq, detail, updated_at)
       values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}, ${p(11)}::timestamptz, ${p(12)}::timestamptz,
         ${p(13)}, ${p(14)}, ${p(15)}::timestamptz, ${p(16)}, ${p(17)}::timestamptz, ${p(18)}, ${p(19)}::jsonb, now())
       on conflict (tenant_id, application_id) do update set
         journey_id = excluded.journey_id, definition_version = excluded.definition_version, status = excluded.status,
         outcome = excluded.outcome, stage = excluded.stage, paused = excluded.paused, time_zone = excluded.time_zone,
         locale = excluded.locale, started_at = excluded.started_at, waiting_since = excluded.waiting_since,
         last_message_template = excluded.last_message_template, last_message_channel = excluded.last_message_channel,
         last_message_at = excluded.last_message_at, next_message_template = excluded.next_message_template,
         next_message_at = excluded.next_message_at, seq = excluded.seq, detail = excluded.detail, updated_at = excluded.updated_at
       where excluded.seq > journey_board.seq`,
    ],
    params: [
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
      storedDetail(entry),
      entry.timeline?.from ?? 0,
      JSON.stringify(entry.timeline?.entries ?? []),
    ],
  };
}

/** One journey's status and timeline as the store holds them (see readJourneyDetail). */
export interface StoredJourneyDetail {
  status: Omit<JourneyStatus, 'tenant' | 'applicationId'>;
  /** The latest entries (up to TIMELINE_LIMIT), oldest first. */
  timeline: TimelineEntry[];
}

/**
 * One journey's status and timeline from the store: its board row's detail and its latest TIMELINE_LIMIT timeline
 * rows (as many as the journey itself keeps, so the answer is the one its timeline query gives), in one statement
 * over two primary keys (a union, which embedded PGlite plans faster than a lateral aggregate). Undefined when the
 * store cannot answer for it: no board row, a row written by code that sent no detail (journeys started before),
 * or a timeline with a missing number between its first and last (a write that never landed), so the caller asks
 * the workflow instead. Numbers below the first are ones the journey no longer held when it first wrote here.
 */
export async function readJourneyDetail(db: Queryable, tenantId: string, applicationId: string): Promise<StoredJourneyDetail | undefined> {
  const { rows } = await db.query<{ doc: unknown; n: number }>(
    `select detail as doc, -1 as n from journey_board where tenant_id = $1 and application_id = $2
     union all
     (select entry, n from journey_timeline where tenant_id = $1 and application_id = $2 order by n desc limit $3)
     order by n`,
    [tenantId, applicationId, TIMELINE_LIMIT],
  );
  const [board, ...entries] = rows;
  if (!board || Number(board.n) !== -1 || !board.doc) return undefined;
  const first = entries.length > 0 ? Number(entries[0]!.n) : 0;
  if (entries.some((row, i) => Number(row.n) !== first + i)) return undefined;
  return { status: parsed(board.doc) as StoredJourneyDetail['status'], timeline: entries.map((row) => parsed(row.doc) as TimelineEntry) };
}

/** A jsonb value as the driver hands it over (PGlite and node-postgres parse it; a string is parsed here). */
const parsed = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/** Which rows of the board a page shows: stage, waiting since before, SLA state, page size and the cursor. */
export interface BoardQuery {
  stage?: string | undefined;
  waitingSinceBefore?: string | undefined;
  sla?: 'breached' | 'ok' | undefined;
  /** Words every match has (as a prefix of a word of the candidate's name or job title, or of the stage). */
  q?: string | undefined;
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
  /** The application's people as stored, sealed (core/store/people.ts opens them in the api role). */
  people_sealed: string | null;
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
  // Each word: a keyed-hash token of the sealed name or job (any key of the ring), or the start of the stage.
  for (const word of searchWords(query.q ?? '').slice(0, 8)) {
    const tokens = wordTokens(word);
    const stage = `b.stage like $${params.push(`${word.replace(/[\\%_]/g, '\\$&')}%`)}`;
    clauses.push(
      tokens
        ? `(${stage} or b.application_id in (select p.application_id from application_people p where p.tenant_id = $1 and p.search_tokens && $${params.push(tokens)}::text[]))`
        : stage,
    );
  }
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
    `select (select count(*)::int from journey_board b where ${where}) as total, b.*, a.open_alerts, a.alert_reasons,
       (select p.sealed from application_people p where p.tenant_id = b.tenant_id and p.application_id = b.application_id) as people_sealed
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
 * How many open journeys (board rows not completed) of a tenant follow one journey: what a publish reports as
 * moving to the new version at their next stage change. One count over the journey_board_journey index.
 */
export async function countOpenJourneysOf(db: Queryable, tenantId: string, journeyId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from journey_board where tenant_id = $1 and journey_id = $2 and status <> 'completed'`,
    [tenantId, journeyId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Refreshes the planner statistics of the board and the alerts (embedded PGlite runs no autovacuum). */
export async function analyzeBoard(db: Queryable): Promise<void> {
  await db.query('analyze journey_board, recruiter_alerts');
}

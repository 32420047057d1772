import type { Queryable } from '../../core/store';
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

import type { Queryable } from './database';

/** One application's journey as its board row holds it: what the status page reads instead of asking the workflow. */
export interface StatusBoardRow {
  journeyId: string;
  definitionVersion: string;
  status: 'open' | 'closing' | 'completed';
  outcome: string | null;
  stage: string;
  paused: boolean;
  /** Messages the journey has scheduled (from the row's status detail; empty once completed). */
  scheduled: { template: string; purpose: string; dueAt: number }[];
  nextMessage: { template: string; dueAt: number } | null;
}

/** A message the candidate was sent (the provider took it), for the page's list. No text, no address. */
export interface SentMessage {
  template: string;
  channel: 'email' | 'sms';
  sentAt: string;
  delivered: boolean;
}

/** The board row of an application, undefined when the journey never wrote one. */
export async function readStatusBoard(db: Queryable, tenant: string, applicationId: string): Promise<StatusBoardRow | undefined> {
  const { rows } = await db.query<{
    journey_id: string;
    definition_version: string;
    status: 'open' | 'closing' | 'completed';
    outcome: string | null;
    stage: string;
    paused: boolean;
    next_message_template: string | null;
    next_message_at: Date | string | null;
    detail: unknown;
  }>(
    `select journey_id, definition_version, status, outcome, stage, paused, next_message_template, next_message_at, detail
     from journey_board where tenant_id = $1 and application_id = $2`,
    [tenant, applicationId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const detail = (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as { scheduled?: StatusBoardRow['scheduled'] } | null;
  return {
    journeyId: row.journey_id,
    definitionVersion: row.definition_version,
    status: row.status,
    outcome: row.outcome,
    stage: row.stage,
    paused: row.paused,
    scheduled: [...(detail?.scheduled ?? [])].sort((a, b) => a.dueAt - b.dueAt),
    nextMessage: row.next_message_template && row.next_message_at ? { template: row.next_message_template, dueAt: new Date(row.next_message_at).getTime() } : null,
  };
}

/** The messages providers took for an application, oldest first (one per message: the channel that carried it). */
export async function sentMessages(db: Queryable, tenant: string, applicationId: string, limit = 100): Promise<SentMessage[]> {
  const { rows } = await db.query<{ template: string; channel: 'email' | 'sms'; created_at: Date | string; status: string }>(
    `select template, channel, created_at, status from message_ledger
     where tenant_id = $1 and application_id = $2 and status in ('accepted', 'delivered') order by created_at, message_id limit $3`,
    [tenant, applicationId, limit],
  );
  return rows.map((r) => ({ template: r.template, channel: r.channel, sentAt: new Date(r.created_at).toISOString(), delivered: r.status === 'delivered' }));
}

/** The addresses an application's messages went to on a channel (never shown; what "stop" opts out). */
export async function contactsOf(db: Queryable, tenant: string, applicationId: string, channel: 'email' | 'sms'): Promise<string[]> {
  const { rows } = await db.query<{ recipient: string }>(
    `select distinct recipient from message_ledger where tenant_id = $1 and application_id = $2 and channel = $3 and recipient <> 'erased'`,
    [tenant, applicationId, channel],
  );
  return rows.map((r) => r.recipient);
}

/** The stages an application's journey entered, from its store-served timeline (empty once erased). */
export async function stagesEntered(db: Queryable, tenant: string, applicationId: string): Promise<Set<string>> {
  const { rows } = await db.query<{ stage: string }>(
    `select distinct entry->>'stage' as stage from journey_timeline where tenant_id = $1 and application_id = $2 and entry->>'type' = 'stage.entered'`,
    [tenant, applicationId],
  );
  return new Set(rows.map((r) => r.stage));
}

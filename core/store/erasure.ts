import { createHmac } from 'node:crypto';
import type { Database, Queryable } from './database';
import { databaseKey } from './database-keys';
import { eraseInterviewData } from './interview-slots';

/** Whose data to erase: a tenant's applications, and the candidate's addresses when the caller knows them. */
export interface ErasureScope {
  tenant: string;
  applicationIds: string[];
  contacts?: { email?: string | undefined; phone?: string | undefined };
}

/** What an erasure removed from the store. */
export interface ErasureCounts {
  outboxMessages: number;
  inboundMessages: number;
  ledgerEntriesRedacted: number;
  unsubscribeTokens: number;
  optOutsPseudonymised: number;
}

/** Tables that hold (or held, until erased) a candidate's contact or words; compacted after an erasure. */
const CONTACT_TABLES = ['outbox', 'inbound_messages', 'message_ledger', 'consent_opt_outs', 'unsubscribe_tokens', 'status_tokens', 'status_pages', 'candidate_surveys', 'application_people', 'candidate_questions',
  'interview_slot_bookings', 'interview_slot_offers', 'interview_requests', 'candidate_accessibility_needs', 'candidate_withdrawals'] as const;

const normalise = (channel: 'email' | 'sms', contact: string) => (channel === 'email' ? contact.trim().toLowerCase() : contact.trim());

const PSEUDONYM_KEY = 'contact-pseudonym';
const pseudonymKey = (db: Queryable): Promise<Buffer> => databaseKey(db, PSEUDONYM_KEY);

/**
 * The form an erased candidate's opt-out is kept in: `erased:` and an HMAC-SHA256 (a random key of this
 * database) of tenant, channel and normalised contact. An opt-out has to outlive erasure (the candidate asked
 * not to be contacted), but the address itself must not: the send path compares both forms.
 */
export async function contactPseudonym(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string): Promise<string> {
  const mac = createHmac('sha256', await pseudonymKey(db)).update(`${tenant}\u0000${channel}\u0000${normalise(channel, contact)}`).digest('hex');
  return `erased:${mac}`;
}

/**
 * Deletes an erased candidate's personal data from the store in one transaction: their sandbox outbox
 * messages and inbound replies, the ledger's recipient (the row stays, so a retried send still finds it),
 * their unsubscribe tokens; opt-outs are kept as pseudonyms. Addresses are the caller's plus those the
 * ledger holds for the applications; their store-served timelines and status details; their status-page links and
 * facts, and their survey comments (the score stays, it names nobody). Marks the applications
 * erased. Idempotent: run it again when the journey has ended, for anything written in between (the journey's
 * last board write brings a status detail and timeline entries back until then).
 */
export async function eraseCandidateData(db: Database, scope: ErasureScope): Promise<ErasureCounts> {
  const { tenant, applicationIds } = scope;
  return db.transaction(async (tx) => {
    const contacts = new Map<string, { channel: 'email' | 'sms'; contact: string }>();
    const add = (channel: 'email' | 'sms', contact: string | undefined) => {
      if (contact && contact !== 'erased') contacts.set(`${channel}:${normalise(channel, contact)}`, { channel, contact: normalise(channel, contact) });
    };
    add('email', scope.contacts?.email);
    add('sms', scope.contacts?.phone);
    const known = await tx.query<{ channel: 'email' | 'sms'; recipient: string }>(
      `select distinct channel, recipient from message_ledger where tenant_id = $1 and application_id = any($2::text[]) and recipient <> 'erased'`,
      [tenant, applicationIds],
    );
    for (const row of known.rows) add(row.channel, row.recipient);
    const recipients = [...contacts.values()].map((c) => c.contact);

    const matches = 'tenant_id = $1 and (application_id = any($2::text[]) or lower(recipient) = any($3::text[]))';
    const args = [tenant, applicationIds, recipients];
    const outbox = await tx.query(`delete from outbox where ${matches} returning 1`, args);
    const inbound = await tx.query('delete from inbound_messages where tenant_id = $1 and application_id = any($2::text[]) returning 1', [tenant, applicationIds]);
    // The ledger keeps its rows (they stop a retried send from going out twice) without the address.
    const ledger = await tx.query<{ message_id: string }>(`update message_ledger set recipient = 'erased' where ${matches} and recipient <> 'erased' returning message_id`, args);
    const tokens = await tx.query(
      `delete from unsubscribe_tokens where tenant_id = $1 and (application_id = any($2::text[]) or message_id = any($3::text[])) returning 1`,
      [tenant, applicationIds, ledger.rows.map((r) => r.message_id)],
    );
    let optOuts = 0;
    for (const { channel, contact } of contacts.values()) {
      const moved = await tx.query(
        `insert into consent_opt_outs (tenant_id, channel, contact, source, opted_out_at)
         select tenant_id, channel, $4, source, opted_out_at from consent_opt_outs where tenant_id = $1 and channel = $2 and contact = $3
         on conflict do nothing returning 1`,
        [tenant, channel, contact, await contactPseudonym(tx, tenant, channel, contact)],
      );
      await tx.query('delete from consent_opt_outs where tenant_id = $1 and channel = $2 and contact = $3', [tenant, channel, contact]);
      optOuts += moved.rows.length;
    }
    // Status-page links stop working, the facts the page showed go, and a survey keeps its score without the comment.
    await tx.query('delete from status_tokens where tenant_id = $1 and application_id = any($2::text[])', [tenant, applicationIds]);
    await tx.query('delete from status_pages where tenant_id = $1 and application_id = any($2::text[])', [tenant, applicationIds]);
    await tx.query('update candidate_surveys set comment = null where tenant_id = $1 and application_id = any($2::text[]) and comment is not null', [tenant, applicationIds]);
    // Questions to the recruiter and their answers (the candidate's and the recruiter's words) go whole.
    await tx.query('delete from candidate_questions where tenant_id = $1 and application_id = any($2::text[])', [tenant, applicationIds]);
    // Interview slots offered to them, their booking (the slot is free again), requests for another time with their
    // notes, accessibility needs and a withdrawal (core/store/interview-slots.ts).
    await eraseInterviewData(tx, tenant, applicationIds);
    // The store-served status and timeline go too (they hold no contact details, but they are the candidate's
    // story): the API then finds nothing and asks the workflow, whose history the erasure deletes.
    await tx.query('delete from journey_timeline where tenant_id = $1 and application_id = any($2::text[])', [tenant, applicationIds]);
    await tx.query('update journey_board set detail = null where tenant_id = $1 and application_id = any($2::text[]) and detail is not null', [tenant, applicationIds]);
    // The board's sealed name, job title and recruiter (core/store/people.ts): the board shows ids again.
    await tx.query('delete from application_people where tenant_id = $1 and application_id = any($2::text[])', [tenant, applicationIds]);
    await tx.query(
      `insert into erased_applications (tenant_id, application_id) select $1, unnest($2::text[]) on conflict do nothing`,
      [tenant, applicationIds],
    );
    return {
      outboxMessages: outbox.rows.length,
      inboundMessages: inbound.rows.length,
      ledgerEntriesRedacted: ledger.rows.length,
      unsubscribeTokens: tokens.rows.length,
      optOutsPseudonymised: optOuts,
    };
  });
}

/** Records that every run of an erased application's journey history is gone from Temporal. */
export async function markHistoriesDeleted(db: Queryable, tenant: string, applicationId: string): Promise<void> {
  await db.query(
    `insert into erased_applications (tenant_id, application_id, histories_deleted_at) values ($1, $2, now())
     on conflict (tenant_id, application_id) do update set histories_deleted_at = coalesce(erased_applications.histories_deleted_at, now())`,
    [tenant, applicationId],
  );
}

/**
 * Makes deleted rows leave the database's files. Deleted or updated rows stay in table and index pages (and
 * in the write-ahead log) until overwritten. Embedded PGlite: VACUUM FULL rewrites the contact tables into
 * new files, the WAL is switched and a CHECKPOINT with wal_recycle off unlinks the old segments instead of
 * renaming them for reuse, so no file under the data directory still holds an erased address. PostgreSQL
 * server: a plain VACUUM (no table lock) removes the rows from tables and indexes; the bytes of free space,
 * the server's WAL, archives and backups age out on the operator's schedule (README "Erasure").
 */
export async function compactAfterErasure(db: Database): Promise<void> {
  if (db.kind === 'pglite') {
    // One statement per call: VACUUM cannot run inside the implicit transaction of a multi-statement string.
    await db.exec('set wal_recycle = off');
    await db.exec(`vacuum full ${CONTACT_TABLES.join(', ')}`);
    await db.query('select pg_switch_wal()');
    await db.exec('checkpoint');
    return;
  }
  await db.exec(`vacuum ${CONTACT_TABLES.join(', ')}`);
}

/** Records an opt-out of an erased candidate's contact in its pseudonymous form only (idempotent). */
export async function optOutPseudonymously(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string, source: string): Promise<void> {
  await db.query('insert into consent_opt_outs (tenant_id, channel, contact, source) values ($1, $2, $3, $4) on conflict do nothing', [
    tenant,
    channel,
    await contactPseudonym(db, tenant, channel, contact),
    source,
  ]);
}

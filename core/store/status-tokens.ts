import { createHash, createHmac } from 'node:crypto';
import { runCarriedWrites, type CarriedWrite, type Queryable } from './database';
import { databaseKey } from './database-keys';

/** How long a status-page link works after the message carrying it was rendered. */
export const STATUS_TOKEN_DAYS = 90;

/** What the page shows that the board does not keep: the job and recruiter the message named, language and time zone. */
export interface StatusPageFacts {
  jobId?: string | undefined;
  jobTitle?: string | undefined;
  recruiterName?: string | undefined;
  locale: string;
  timeZone: string;
}

/** The application a status link belongs to, and the message it came in. */
export interface StatusTokenSubject {
  tenant: string;
  applicationId: string;
  messageId: string;
}

/** A looked-up link: `expired` (also revoked) and `unknown` carry nothing, so the page can say nothing. */
export type StatusLookup = { status: 'valid'; tenant: string; applicationId: string } | { status: 'expired' } | { status: 'unknown' };

const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
/** 32 random bytes as base64url: 43 characters of [A-Za-z0-9_-]. */
export const STATUS_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const TOKEN_KEY = 'status-token';
/** This database's random key for status tokens (signing_keys), made on first use. */
const tokenKey = (db: Queryable): Promise<Buffer> => databaseKey(db, TOKEN_KEY);

/**
 * The token of one message's status-page link: 256 bits derived from the message (HMAC-SHA256 of tenant, application
 * and message id under a random key of this database), so every message gets its own token, and a retried render of
 * the same message gets the same one: an SMS sent again after a crash is the same text (what the Twilio lookup of an
 * earlier attempt compares). It works once statusTokenWrite's write is in.
 */
export async function statusTokenOf(db: Queryable, subject: StatusTokenSubject): Promise<string> {
  return createHmac('sha256', await tokenKey(db)).update(`${subject.tenant}\u0000${subject.applicationId}\u0000${subject.messageId}`).digest('base64url');
}

/**
 * The write that makes `token` work and records what the page shows about the application: the token stored as its
 * SHA-256, expiring STATUS_TOKEN_DAYS after the first render (a revoked token stays revoked), and tokens more than 30
 * days past expiry deleted (an index range, usually empty). Carried by the send's ledger claim (core/store/ledger.ts).
 */
export function statusTokenWrite(token: string, subject: StatusTokenSubject, facts: StatusPageFacts, now = new Date()): CarriedWrite {
  const expires = new Date(now.getTime() + STATUS_TOKEN_DAYS * 86_400_000);
  return {
    bodies: (p) => [
      `insert into status_pages (tenant_id, application_id, job_id, job_title, recruiter_name, locale, time_zone, updated_at)
       values (${p(2)}, ${p(3)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)})
       on conflict (tenant_id, application_id) do update set job_id = coalesce(excluded.job_id, status_pages.job_id),
         job_title = coalesce(excluded.job_title, status_pages.job_title), recruiter_name = coalesce(excluded.recruiter_name, status_pages.recruiter_name),
         locale = excluded.locale, time_zone = excluded.time_zone, updated_at = excluded.updated_at`,
      `delete from status_tokens where expires_at < ${p(10)}::timestamptz - interval '30 days'`,
      `insert into status_tokens (token_sha256, tenant_id, application_id, message_id, created_at, expires_at) values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(10)}, ${p(11)})
       on conflict (token_sha256) do nothing`,
    ],
    params: [sha256(token), subject.tenant, subject.applicationId, subject.messageId, facts.jobId ?? null, facts.jobTitle ?? null, facts.recruiterName ?? null, facts.locale, facts.timeZone, now, expires],
  };
}

/** Creates a message's status-page token and records what the page shows, in one statement (statusTokenOf, statusTokenWrite). */
export async function createStatusToken(db: Queryable, subject: StatusTokenSubject, facts: StatusPageFacts, now = new Date()): Promise<string> {
  const token = await statusTokenOf(db, subject);
  await runCarriedWrites(db, [statusTokenWrite(token, subject, facts, now)]);
  return token;
}

/** Looks a link's token up: current → its application; expired or revoked → `expired`; anything else → `unknown`. */
export async function lookupStatusToken(db: Queryable, token: string, now = new Date()): Promise<StatusLookup> {
  if (!STATUS_TOKEN_PATTERN.test(token)) return { status: 'unknown' };
  const { rows } = await db.query<{ tenant_id: string; application_id: string; expires_at: Date | string; revoked_at: Date | string | null }>(
    'select tenant_id, application_id, expires_at, revoked_at from status_tokens where token_sha256 = $1',
    [sha256(token)],
  );
  const row = rows[0];
  if (!row) return { status: 'unknown' };
  if (row.revoked_at !== null || new Date(row.expires_at).getTime() <= now.getTime()) return { status: 'expired' };
  return { status: 'valid', tenant: row.tenant_id, applicationId: row.application_id };
}

/** Revokes every status-page link of an application (they then answer as expired); how many were current. */
export async function revokeStatusTokens(db: Queryable, tenant: string, applicationId: string, now = new Date()): Promise<number> {
  const { rows } = await db.query<{ current: boolean }>(
    'update status_tokens set revoked_at = $3 where tenant_id = $1 and application_id = $2 and revoked_at is null returning expires_at > $3 as current',
    [tenant, applicationId, now],
  );
  return rows.filter((r) => r.current).length;
}

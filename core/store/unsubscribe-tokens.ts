import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CarriedWrite, Queryable } from './database';

/** How long an unsubscribe link works after its e-mail was rendered. */
export const UNSUBSCRIBE_TOKEN_DAYS = 90;

/** What an unsubscribe token stands for: one e-mail (message id and channel) of a tenant's application. */
export interface UnsubscribeTokenSubject {
  tenant: string;
  applicationId: string;
  messageId: string;
  channel: 'email' | 'sms';
}

/** Who an unsubscribe link is for, once looked up: the journey to tell and the contact to opt out. */
export interface UnsubscribeSubject {
  tenant: string;
  applicationId: string;
  channel: 'email' | 'sms';
  /** The address the e-mail went to (from the ledger); undefined when it was erased since. */
  contact: string | undefined;
  /** The application's candidate was erased: an opt-out must be recorded without the address (hashed). */
  erased?: boolean;
}

/** The outcome of looking a token up; `expired` and `unknown` carry nothing, so the page can say nothing. */
export type UnsubscribeLookup = { status: 'valid'; subject: UnsubscribeSubject } | { status: 'expired' } | { status: 'unknown' };

const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
// 32 random bytes as base64url: 43 characters of [A-Za-z0-9_-].
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A new opaque token for one e-mail's unsubscribe link: 256 random bits (base64url). The link carries nothing about
 * the candidate; a retried render makes another token and each one works, once unsubscribeTokenWrite's write is in.
 */
export function newUnsubscribeToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The write that makes `token` work: stored as its SHA-256 with the tenant, application, message id and channel,
 * expiring after UNSUBSCRIBE_TOKEN_DAYS; tokens expired more than 30 days ago go with it (keeping the table bounded:
 * an index range on expires_at that is usually empty). Carried by the send's ledger claim (core/store/ledger.ts).
 */
export function unsubscribeTokenWrite(token: string, subject: UnsubscribeTokenSubject, now = new Date()): CarriedWrite {
  const expires = new Date(now.getTime() + UNSUBSCRIBE_TOKEN_DAYS * 86_400_000);
  return {
    bodies: (p) => [
      `delete from unsubscribe_tokens where expires_at < now() - interval '30 days'`,
      `insert into unsubscribe_tokens (token_sha256, tenant_id, application_id, message_id, channel, created_at, expires_at) values (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)})`,
    ],
    params: [sha256(token), subject.tenant, subject.applicationId, subject.messageId, subject.channel, now, expires],
  };
}

/** Revokes every unsubscribe token of an application (its links then answer as expired). */
export async function revokeUnsubscribeTokens(db: Queryable, tenant: string, applicationId: string): Promise<number> {
  const { rows } = await db.query(`update unsubscribe_tokens set revoked_at = now() where tenant_id = $1 and application_id = $2 and revoked_at is null returning 1`, [tenant, applicationId]);
  return rows.length;
}

/** Deletes tokens that expired more than 30 days ago (the page says "expired" for a while, then "unknown"). */
export async function purgeExpiredUnsubscribeTokens(db: Queryable): Promise<number> {
  const { rows } = await db.query(`delete from unsubscribe_tokens where expires_at < now() - interval '30 days' returning 1`);
  return rows.length;
}

/**
 * Looks a link's token up: a current token names its subject (the contact read from the e-mail's ledger row);
 * an expired or revoked one is `expired`; anything else is `unknown`. Links sent before opaque tokens (signed,
 * carrying the address) are honoured until their key retires (see migration 009).
 */
export async function lookupUnsubscribeToken(db: Queryable, token: string, now = new Date()): Promise<UnsubscribeLookup> {
  if (TOKEN.test(token)) {
    const { rows } = await db.query<{ tenant_id: string; application_id: string; message_id: string; channel: 'email' | 'sms'; expires_at: Date | string; revoked_at: Date | string | null }>(
      'select tenant_id, application_id, message_id, channel, expires_at, revoked_at from unsubscribe_tokens where token_sha256 = $1',
      [sha256(token)],
    );
    const row = rows[0];
    if (!row) return { status: 'unknown' };
    if (row.revoked_at !== null || new Date(row.expires_at).getTime() <= now.getTime()) return { status: 'expired' };
    const ledger = await db.query<{ recipient: string }>(
      `select recipient from message_ledger where tenant_id = $1 and message_id = $2 and channel = $3 and recipient <> 'erased' limit 1`,
      [row.tenant_id, row.message_id, row.channel],
    );
    return { status: 'valid', subject: { tenant: row.tenant_id, applicationId: row.application_id, channel: row.channel, contact: ledger.rows[0]?.recipient } };
  }
  return lookupLegacyToken(db, token, now);
}

/** Marks a token used (kept: a second click shows the same page). */
export async function markUnsubscribeTokenUsed(db: Queryable, token: string): Promise<void> {
  if (TOKEN.test(token)) await db.query('update unsubscribe_tokens set used_at = coalesce(used_at, now()) where token_sha256 = $1', [sha256(token)]);
}

// Links sent before migration 009: base64url JSON [tenant, application, channel, contact] and an HMAC of it.
async function lookupLegacyToken(db: Queryable, token: string, now: Date): Promise<UnsubscribeLookup> {
  const [payload, signature] = token.split('.');
  if (!payload || !signature || token.split('.').length !== 2) return { status: 'unknown' };
  const { rows } = await db.query<{ secret: string; retire_at: Date | string | null }>(`select secret, retire_at from signing_keys where name = 'unsubscribe'`);
  const key = rows[0];
  if (!key) return { status: 'unknown' };
  const expected = Buffer.from(createHmac('sha256', Buffer.from(key.secret, 'base64')).update(payload).digest('base64url'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { status: 'unknown' };
  if (key.retire_at !== null && new Date(key.retire_at).getTime() <= now.getTime()) return { status: 'expired' };
  try {
    const [tenant, applicationId, channel, contact] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as string[];
    if (!tenant || !applicationId || (channel !== 'email' && channel !== 'sms') || !contact) return { status: 'unknown' };
    // An erased application's old link still opts out, but must not bring the address back into the store.
    const erased = await db.query('select 1 from erased_applications where tenant_id = $1 and application_id = $2', [tenant, applicationId]);
    return { status: 'valid', subject: { tenant, applicationId, channel, contact, ...(erased.rows.length > 0 ? { erased: true } : {}) } };
  } catch {
    return { status: 'unknown' };
  }
}

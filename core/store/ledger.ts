import { runCarriedWrites, withCarriedWrites, type CarriedWrite, type Queryable } from './database';

/** One message on one channel in the ledger. */
export interface LedgerRow {
  message_id: string;
  channel: 'email' | 'sms';
  tenant_id: string;
  application_id: string;
  template: string;
  locale: string;
  recipient: string;
  provider: string;
  status: 'pending' | 'accepted' | 'delivered' | 'failed';
  provider_message_id: string | null;
  attempts: number;
  segments: number | null;
  failure_type: string | null;
  failure_reason: string | null;
  created_at: Date | string;
  /** The send attempt holding a pending row, and until when (a lease); null once an attempt let go of it. */
  claim_id: string | null;
  claimed_until: Date | string | null;
}

/**
 * What identifies one message on one channel. Message ids are unique inside a tenant only (ATS application ids
 * repeat across ATS accounts), so every ledger key starts with the tenant.
 */
export interface MessageKey {
  tenant: string;
  messageId: string;
  channel: 'email' | 'sms';
}

/** The row for a tenant's message id and channel, if any. */
export async function findLedgerRow(db: Queryable, key: MessageKey): Promise<LedgerRow | undefined> {
  const found = await db.query<LedgerRow>('select * from message_ledger where tenant_id = $1 and message_id = $2 and channel = $3', [key.tenant, key.messageId, key.channel]);
  return found.rows[0];
}

/** A send attempt's hold on a pending row: its id, and for how long it holds the row unless it lets go first. */
export interface LedgerClaim {
  id: string;
  leaseMs: number;
}

/**
 * Writes the pending row before a provider is called (or counts another attempt on it) and returns the
 * row as it now stands. A row already accepted, delivered or failed is returned untouched. The attempt holds the
 * pending row for `claim.leaseMs` (the row's `claim_id` is then `claim.id`); a row another attempt holds is returned
 * as it stands, not counted as an attempt: that attempt may be talking to the provider right now. `carried` writes
 * (the message's link tokens) go in the same statement, whatever the claim finds.
 */
export async function claimLedgerRow(
  db: Queryable,
  row: Pick<LedgerRow, 'message_id' | 'channel' | 'tenant_id' | 'application_id' | 'template' | 'locale' | 'recipient' | 'provider'> & { segments?: number | undefined },
  claim: LedgerClaim,
  carried: readonly CarriedWrite[] = [],
): Promise<LedgerRow> {
  const free = `message_ledger.status = 'pending' and (message_ledger.claimed_until is null or message_ledger.claimed_until <= now())`;
  const statement = withCarriedWrites(
    `insert into message_ledger (message_id, channel, tenant_id, application_id, template, locale, recipient, provider, status, attempts, segments, claim_id, claimed_until)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 1, $9, $10, now() + $11 * interval '1 millisecond')
     on conflict (tenant_id, message_id, channel) do update
       set attempts = message_ledger.attempts + case when ${free} then 1 else 0 end,
           claim_id = case when ${free} then excluded.claim_id else message_ledger.claim_id end,
           claimed_until = case when ${free} then excluded.claimed_until else message_ledger.claimed_until end,
           updated_at = case when ${free} then now() else message_ledger.updated_at end
     returning *`,
    [row.message_id, row.channel, row.tenant_id, row.application_id, row.template, row.locale, row.recipient, row.provider, row.segments ?? null, claim.id, claim.leaseMs],
    carried,
  );
  const result = await db.query<LedgerRow>(statement.sql, statement.params);
  return result.rows[0]!;
}

/** Milliseconds until another attempt's hold on `row` ends (0 when nobody holds it). */
export function claimLeft(row: LedgerRow, now = Date.now()): number {
  if (!row.claimed_until) return 0;
  const until = row.claimed_until instanceof Date ? row.claimed_until.getTime() : Date.parse(row.claimed_until);
  return Math.max(0, until - now);
}

/**
 * The write that records a provider's acceptance (or, for the sandbox, delivery): a provider that writes to this
 * database carries it in its own statement (the sandbox's outbox row), so the message and its ledger row change together.
 */
export function acceptanceWrite(key: MessageKey, providerMessageId: string, delivered: boolean): CarriedWrite {
  return {
    bodies: (p) => [
      `update message_ledger set status = ${p(4)}, provider_message_id = ${p(5)}, failure_type = null, failure_reason = null, claim_id = null, claimed_until = null, updated_at = now()
       where tenant_id = ${p(1)} and message_id = ${p(2)} and channel = ${p(3)} and status in ('pending', 'accepted')`,
    ],
    params: [key.tenant, key.messageId, key.channel, delivered ? 'delivered' : 'accepted', providerMessageId],
  };
}

/** The provider took the message (or, for the sandbox, it is already where the candidate reads it). */
export async function markAccepted(db: Queryable, key: MessageKey, providerMessageId: string, delivered: boolean): Promise<void> {
  await runCarriedWrites(db, [acceptanceWrite(key, providerMessageId, delivered)]);
}

/** A definite failure on this channel. */
export async function markFailed(db: Queryable, key: MessageKey, type: string, reason: string): Promise<void> {
  await db.query(
    `update message_ledger set status = 'failed', failure_type = $4, failure_reason = $5, claim_id = null, claimed_until = null, updated_at = now()
     where tenant_id = $1 and message_id = $2 and channel = $3 and status in ('pending', 'accepted')`,
    [key.tenant, key.messageId, key.channel, type, reason],
  );
}

/** A passing failure: the row stays pending, remembers why, and is free for the next attempt. */
export async function noteRetryableFailure(db: Queryable, key: MessageKey, type: string, reason: string): Promise<void> {
  await db.query(
    `update message_ledger set failure_type = $4, failure_reason = $5, claim_id = null, claimed_until = null, updated_at = now() where tenant_id = $1 and message_id = $2 and channel = $3 and status = 'pending'`,
    [key.tenant, key.messageId, key.channel, type, reason],
  );
}

/**
 * A status webhook's word on a message, found by the provider's id (and the tenant, when the callback names
 * it: Candor puts the tenant into every callback it asks a provider for). Returns the row it updated, if any.
 * Provider ids are unique per provider account, so one row at most matches; the tenant makes sure it is the
 * right tenant's even if two rows ever shared one.
 */
export async function applyProviderStatus(
  db: Queryable,
  provider: string,
  providerMessageId: string,
  status: 'delivered' | 'failed',
  failure?: { type: string; reason: string },
  tenant?: string,
): Promise<LedgerRow | undefined> {
  // 'delivered' never goes back to 'accepted'; a late 'failed' after 'delivered' (a bounce) is kept.
  const result = await db.query<LedgerRow>(
    `update message_ledger set status = $3, failure_type = $4, failure_reason = $5, updated_at = now()
     where provider = $1 and provider_message_id = $2 and ($6::text is null or tenant_id = $6)
       and (status in ('pending', 'accepted') or ($3 = 'failed' and status = 'delivered'))
     returning *`,
    [provider, providerMessageId, status, failure?.type ?? null, failure?.reason ?? null, tenant ?? null],
  );
  return result.rows[0];
}

/** The ledger row of the last SMS sent to this number (any tenant): whose candidate a reply comes from. */
export async function lastSmsTo(db: Queryable, recipient: string): Promise<LedgerRow | undefined> {
  return (await db.query<LedgerRow>(`select * from message_ledger where channel = 'sms' and recipient = $1 order by created_at desc limit 1`, [recipient])).rows[0];
}

/** The ledger row of an e-mail by its message id and tenant. */
export async function emailLedgerRow(db: Queryable, tenant: string, messageId: string): Promise<LedgerRow | undefined> {
  return (await db.query<LedgerRow>(`select * from message_ledger where tenant_id = $1 and message_id = $2 and channel = 'email'`, [tenant, messageId])).rows[0];
}

/** The ledger row of a SendGrid message by SendGrid's id (within the tenant, when known). */
export async function sendgridLedgerRow(db: Queryable, providerMessageId: string, tenant: string | undefined): Promise<LedgerRow | undefined> {
  return (await db.query<LedgerRow>(`select * from message_ledger where provider = 'sendgrid' and provider_message_id = $1 and ($2::text is null or tenant_id = $2)`, [providerMessageId, tenant ?? null])).rows[0];
}

/** The locale of the last message sent for an application, if any. */
export async function lastLocaleOf(db: Queryable, tenant: string, applicationId: string): Promise<string | undefined> {
  return (await db.query<{ locale: string }>(`select locale from message_ledger where tenant_id = $1 and application_id = $2 order by created_at desc limit 1`, [tenant, applicationId])).rows[0]?.locale;
}

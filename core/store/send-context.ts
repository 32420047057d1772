import { withCarriedWrites, type CarriedWrite, type Queryable } from './database';
import type { LedgerRow, MessageKey } from './ledger';
import { optOutForms } from './consent';
import { brandingOf, BRANDING_COLUMNS, type TenantBranding } from './tenants';

/** What the send path reads before it renders a message (activities/messaging/send-message.ts). */
export interface SendContext {
  /** The message's ledger row on this channel, as far as the send path decides by it; undefined before its first attempt. */
  ledger?: Pick<LedgerRow, 'status' | 'failure_type' | 'failure_reason'> | undefined;
  /** The recipient opted out of the tenant's messages on this channel (false when there is no recipient). */
  optedOut: boolean;
  /** The tenant's branding with its defaults (tenantBranding). */
  branding: TenantBranding;
}

const TENANT_COLUMNS = BRANDING_COLUMNS.split(', ').map((column) => `t.${column}`).join(', ');

/**
 * The message's ledger row, the recipient's opt-out and the tenant's branding in one round trip: every send asks all
 * three before it renders, and a new journey's acknowledgement is on the candidate's clock. `carried` writes go in
 * the same statement (ingest's record of a new journey, written before its acknowledgement is sent).
 */
export async function readSendContext(db: Queryable, key: MessageKey, recipient: string | undefined, carried: readonly CarriedWrite[] = []): Promise<SendContext> {
  const contacts = recipient ? await optOutForms(db, key.tenant, key.channel, recipient) : [];
  const statement = withCarriedWrites(
    `select l.status, l.failure_type, l.failure_reason,
            exists (select 1 from consent_opt_outs o where o.tenant_id = $1 and o.channel = $3 and o.contact = any($4::text[])) as opted_out,
            ${TENANT_COLUMNS}
       from (select 1) as one
       left join message_ledger l on l.tenant_id = $1 and l.message_id = $2 and l.channel = $3
       left join tenants t on t.id = $1`,
    [key.tenant, key.messageId, key.channel, contacts],
    carried,
  );
  const { rows } = await db.query<{ status: LedgerRow['status'] | null; failure_type: string | null; failure_reason: string | null; opted_out: boolean; name: string | null; display_name: string | null; logo_url: string | null; accent_colour: string | null; sending_domain: string | null }>(
    statement.sql,
    statement.params,
  );
  const row = rows[0]!;
  return {
    ledger: row.status ? { status: row.status, failure_type: row.failure_type, failure_reason: row.failure_reason } : undefined,
    optedOut: row.opted_out,
    branding: brandingOf(key.tenant, row.name === null ? undefined : { ...row, name: row.name }),
  };
}

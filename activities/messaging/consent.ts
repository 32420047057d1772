import type { Queryable } from '../../services/store';

/** The form a contact is stored in: e-mail lower-cased, phone as given (E.164). */
export const normaliseContact = (channel: 'email' | 'sms', contact: string) => (channel === 'email' ? contact.trim().toLowerCase() : contact.trim());

/** True when the contact has opted out of this tenant's messages on this channel. */
export async function isOptedOut(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string): Promise<boolean> {
  const found = await db.query('select 1 from consent_opt_outs where tenant_id = $1 and channel = $2 and contact = $3', [tenant, channel, normaliseContact(channel, contact)]);
  return found.rows.length > 0;
}

/** Records an opt-out (idempotent). */
export async function optOut(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string, source: string): Promise<void> {
  await db.query('insert into consent_opt_outs (tenant_id, channel, contact, source) values ($1, $2, $3, $4) on conflict do nothing', [tenant, channel, normaliseContact(channel, contact), source]);
}

/** Removes an opt-out (a candidate texting START). */
export async function optIn(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string): Promise<void> {
  await db.query('delete from consent_opt_outs where tenant_id = $1 and channel = $2 and contact = $3', [tenant, channel, normaliseContact(channel, contact)]);
}

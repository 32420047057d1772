import type { Queryable } from './database';
import { contactPseudonym } from './erasure';

/** The form a contact is stored in: e-mail lower-cased, phone as given (E.164). */
export const normaliseContact = (channel: 'email' | 'sms', contact: string) => (channel === 'email' ? contact.trim().toLowerCase() : contact.trim());

/** The forms an opt-out of this contact can be stored in: the contact, or its pseudonym once the candidate was erased. */
export async function optOutForms(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string): Promise<string[]> {
  return [normaliseContact(channel, contact), await contactPseudonym(db, tenant, channel, contact)];
}

/** True when the contact has opted out of this tenant's messages on this channel (also after an erasure). */
export async function isOptedOut(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string): Promise<boolean> {
  const found = await db.query('select 1 from consent_opt_outs where tenant_id = $1 and channel = $2 and contact = any($3::text[])', [tenant, channel, await optOutForms(db, tenant, channel, contact)]);
  return found.rows.length > 0;
}

/** Records an opt-out (idempotent). */
export async function optOut(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string, source: string): Promise<void> {
  if (contact === 'erased') return; // an erased ledger row names nobody
  await db.query('insert into consent_opt_outs (tenant_id, channel, contact, source) values ($1, $2, $3, $4) on conflict do nothing', [tenant, channel, normaliseContact(channel, contact), source]);
}

/** Removes an opt-out (a candidate texting START). */
export async function optIn(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string): Promise<void> {
  await db.query('delete from consent_opt_outs where tenant_id = $1 and channel = $2 and contact = any($3::text[])', [tenant, channel, await optOutForms(db, tenant, channel, contact)]);
}

/** The opt-out of a contact on a channel (any stored form of it), with its source and time; undefined if none. */
export async function optOutOf(db: Queryable, tenant: string, channel: 'email' | 'sms', contact: string): Promise<{ source: string; opted_out_at: Date | string } | undefined> {
  const { rows } = await db.query<{ source: string; opted_out_at: Date | string }>(
    'select source, opted_out_at from consent_opt_outs where tenant_id = $1 and channel = $2 and contact = any($3::text[])',
    [tenant, channel, await optOutForms(db, tenant, channel, contact)],
  );
  return rows[0];
}

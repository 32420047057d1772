import { createHash } from 'node:crypto';
import { exampleEvent } from '../../core/events/examples';
import type { AtsEvent } from '../../core/events/envelope';
import type { AtsEventData, AtsEventType, Candidate } from '../../core/events/schemas';
import type { Provider } from './types';

/** A stable id for a delivery the vendor sent without one: a redelivery carries the same bytes, so the same id. */
export const bodyDigest = (rawBody: Buffer) => createHash('sha256').update(rawBody).digest('hex').slice(0, 40);

/** Vendor ids (numbers or strings) as Candor ids. */
export const idOf = (value: unknown): string | undefined => (typeof value === 'number' || (typeof value === 'string' && value.length > 0) ? String(value) : undefined);

/** A phone number kept only when it already is E.164 once spaces, dashes and brackets are removed; guessing a country would be wrong. */
export function e164(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const compact = value.replace(/[\s().-]/g, '');
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : undefined;
}

/** A plausible e-mail or nothing: one bad address must not cost the candidate their whole journey. */
export const email = (value: unknown): string | undefined => (typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? value : undefined);

/** Drops undefined fields, so optional ones are absent rather than undefined. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Splits "Ada King Lovelace" into a first name and the rest. */
export function splitName(name: string): Pick<Candidate, 'firstName' | 'lastName'> {
  const [first, ...rest] = name.trim().split(/\s+/);
  return compact({ firstName: first ?? name, lastName: rest.length > 0 ? rest.join(' ') : undefined });
}

/** An event from a vendor, with the vendor's delivery id as its CloudEvents id (a digest of it when it would outgrow the envelope's 256 characters). */
export function vendorEvent<T extends AtsEventType>(provider: Provider, tenant: string, type: T, id: string, applicationId: string, data: AtsEventData<T>, time?: string): AtsEvent {
  const at = time && !Number.isNaN(Date.parse(time)) ? new Date(time).toISOString() : new Date().toISOString();
  const eventId = id.length <= 200 ? id : createHash('sha256').update(id).digest('hex');
  return exampleEvent(type, { tenant, applicationId, id: `${provider}:${eventId}`, time: at, data, provider });
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from './database';

/** A tenant: one recruiting organisation, the unit of data isolation. */
export interface Tenant {
  id: string;
  name: string;
}

const KEY_PREFIX = 'cnd_';

/** Hashes an API key for storage and lookup; keys are 256 random bits, so a fast hash is enough. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Generates a new API key: `cnd_` and 43 characters of base64url randomness. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Creates the tenant when it does not exist; returns it either way. */
export async function ensureTenant(db: Queryable, tenant: Tenant): Promise<Tenant> {
  await db.query('insert into tenants (id, name) values ($1, $2) on conflict (id) do nothing', [tenant.id, tenant.name]);
  const { rows } = await db.query<Tenant>('select id, name from tenants where id = $1', [tenant.id]);
  return rows[0]!;
}

/** Stores `key` (hashed) for the tenant unless that exact key is already stored; returns the key id. */
export async function addApiKey(db: Queryable, tenantId: string, key: string, label = ''): Promise<string> {
  const hash = hashApiKey(key);
  const existing = await db.query<{ id: string; tenant_id: string }>('select id, tenant_id from api_keys where key_hash = $1', [hash]);
  if (existing.rows[0]) {
    if (existing.rows[0].tenant_id !== tenantId) throw new Error('This API key already belongs to another tenant');
    return existing.rows[0].id;
  }
  const id = randomUUID();
  await db.query('insert into api_keys (id, tenant_id, key_hash, key_prefix, label) values ($1, $2, $3, $4, $5)', [
    id,
    tenantId,
    hash,
    key.slice(0, KEY_PREFIX.length + 6),
    label,
  ]);
  return id;
}

/** The tenant an API key belongs to, or undefined for an unknown or revoked key. */
export async function tenantForApiKey(db: Queryable, key: string): Promise<Tenant | undefined> {
  const { rows } = await db.query<Tenant>(
    `select t.id, t.name from api_keys k join tenants t on t.id = k.tenant_id
     where k.key_hash = $1 and k.revoked_at is null`,
    [hashApiKey(key)],
  );
  return rows[0];
}

/** Revokes every key of a tenant with the given label. */
export async function revokeApiKeys(db: Queryable, tenantId: string, label: string): Promise<void> {
  await db.query('update api_keys set revoked_at = now() where tenant_id = $1 and label = $2 and revoked_at is null', [tenantId, label]);
}

/** Whether a tenant with this id exists (ingest refuses events for any other). */
export async function tenantExists(db: Queryable, tenantId: string): Promise<boolean> {
  const { rows } = await db.query<{ found: number }>('select 1 as found from tenants where id = $1', [tenantId]);
  return rows.length > 0;
}

/** The rule for tenant ids (also a check constraint on `tenants.id`): they appear in URLs, topics and workflow ids. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A tenant as the admin surface lists it. */
export interface TenantSummary extends Tenant {
  createdAt: string;
  activeKeys: number;
}

/** An API key as listed: never the key or its hash, only what identifies it to a person. */
export interface ApiKeySummary {
  id: string;
  prefix: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
  replacedBy: string | null;
}

/** A newly made key: `key` is the only time the full key exists outside its holder's hands. */
export interface NewApiKey extends ApiKeySummary {
  key: string;
}

const iso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();
const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : iso(value));

/** Creates a tenant; false when the id is taken (the existing tenant is left as it is). */
export async function createTenant(db: Queryable, tenant: Tenant): Promise<boolean> {
  const { rows } = await db.query('insert into tenants (id, name) values ($1, $2) on conflict (id) do nothing returning id', [tenant.id, tenant.name]);
  return rows.length > 0;
}

/** Every tenant with its number of usable keys, by id. */
export async function listTenants(db: Queryable): Promise<TenantSummary[]> {
  const { rows } = await db.query<{ id: string; name: string; created_at: unknown; active_keys: unknown }>(
    `select t.id, t.name, t.created_at, count(k.id) filter (where k.revoked_at is null) as active_keys
     from tenants t left join api_keys k on k.tenant_id = t.id group by t.id order by t.id`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: iso(r.created_at), activeKeys: Number(r.active_keys) }));
}

/** One tenant, or undefined. */
export async function findTenant(db: Queryable, id: string): Promise<Tenant | undefined> {
  const { rows } = await db.query<Tenant>('select id, name from tenants where id = $1', [id]);
  return rows[0];
}

interface KeyRow {
  id: string;
  key_prefix: string;
  label: string;
  created_at: unknown;
  revoked_at: unknown;
  replaced_by: string | null;
}
const KEY_COLUMNS = 'id, key_prefix, label, created_at, revoked_at, replaced_by';
const keySummary = (r: KeyRow): ApiKeySummary => ({ id: r.id, prefix: r.key_prefix, label: r.label, createdAt: iso(r.created_at), revokedAt: isoOrNull(r.revoked_at), replacedBy: r.replaced_by });

/** A tenant's keys, oldest first, revoked ones included. */
export async function listApiKeys(db: Queryable, tenantId: string): Promise<ApiKeySummary[]> {
  const { rows } = await db.query<KeyRow>(`select ${KEY_COLUMNS} from api_keys where tenant_id = $1 order by created_at, id`, [tenantId]);
  return rows.map(keySummary);
}

/** Generates a key for the tenant and stores only its hash; the returned `key` cannot be shown again. */
export async function createApiKey(db: Queryable, tenantId: string, label: string): Promise<NewApiKey> {
  const key = generateApiKey();
  const id = await addApiKey(db, tenantId, key, label);
  const { rows } = await db.query<KeyRow>(`select ${KEY_COLUMNS} from api_keys where id = $1`, [id]);
  return { ...keySummary(rows[0]!), key };
}

/** Revokes one key of the tenant (at once: its next request is refused); undefined when the tenant has no such key. */
export async function revokeApiKey(db: Queryable, tenantId: string, keyId: string): Promise<ApiKeySummary | undefined> {
  await db.query('update api_keys set revoked_at = now() where tenant_id = $1 and id = $2 and revoked_at is null', [tenantId, keyId]);
  const { rows } = await db.query<KeyRow>(`select ${KEY_COLUMNS} from api_keys where tenant_id = $1 and id = $2`, [tenantId, keyId]);
  return rows[0] ? keySummary(rows[0]) : undefined;
}

/**
 * Replaces a usable key with a new one under the same label and revokes the old one at once; undefined
 * when the tenant has no such key, 'revoked' when it was already revoked (rotate a current key instead).
 */
export async function rotateApiKey(db: Queryable, tenantId: string, keyId: string): Promise<NewApiKey | 'revoked' | undefined> {
  const { rows } = await db.query<KeyRow>(`select ${KEY_COLUMNS} from api_keys where tenant_id = $1 and id = $2`, [tenantId, keyId]);
  const old = rows[0];
  if (!old) return undefined;
  if (old.revoked_at !== null && old.revoked_at !== undefined) return 'revoked';
  const fresh = await createApiKey(db, tenantId, old.label);
  const revoked = await db.query('update api_keys set revoked_at = now(), replaced_by = $3 where tenant_id = $1 and id = $2 and revoked_at is null returning id', [tenantId, keyId, fresh.id]);
  if (revoked.rows.length === 0) {
    // Revoked by someone else meanwhile: do not leave a second key behind.
    await db.query('update api_keys set revoked_at = now() where id = $1', [fresh.id]);
    return 'revoked';
  }
  return fresh;
}

/** The name candidates read for a tenant: its display name, else its name, else its id. */
export async function tenantName(db: Queryable, tenantId: string): Promise<string> {
  return (await tenantBranding(db, tenantId)).displayName;
}

/**
 * What candidates see of a tenant, with the defaults filled in: the company's display name (the tenant's
 * name when none is set, its id when the tenant is unknown), and its logo, accent colour and sending domain
 * when set. E-mails, SMS texts and the status page all take the company from here.
 */
export interface TenantBranding {
  displayName: string;
  /** An https URL; e-mails show it with the display name as its text, so they read the same without it. */
  logoUrl?: string;
  /** `#rrggbb`, dark enough for links on white (checked when set). */
  accentColour?: string;
  /** A domain the tenant authenticated with the e-mail provider; e-mails may then come from a person there. */
  sendingDomain?: string;
}

/** The branding columns as stored: null where the tenant has not set one. */
export interface TenantBrandingSettings {
  displayName: string | null;
  logoUrl: string | null;
  accentColour: string | null;
  sendingDomain: string | null;
}

interface BrandingRow {
  name: string;
  display_name: string | null;
  logo_url: string | null;
  accent_colour: string | null;
  sending_domain: string | null;
}
export const BRANDING_COLUMNS = 'name, display_name, logo_url, accent_colour, sending_domain';

/** A tenant's branding from its stored columns (undefined: an unknown tenant), with the defaults filled in. */
export const brandingOf = (tenantId: string, row: BrandingRow | undefined): TenantBranding => ({
  displayName: row?.display_name ?? row?.name ?? tenantId,
  ...(row?.logo_url ? { logoUrl: row.logo_url } : {}),
  ...(row?.accent_colour ? { accentColour: row.accent_colour } : {}),
  ...(row?.sending_domain ? { sendingDomain: row.sending_domain } : {}),
});

/** A tenant's branding with defaults (see TenantBranding); never fails for an unknown tenant. */
export async function tenantBranding(db: Queryable, tenantId: string): Promise<TenantBranding> {
  const { rows } = await db.query<BrandingRow>(`select ${BRANDING_COLUMNS} from tenants where id = $1`, [tenantId]);
  return brandingOf(tenantId, rows[0]);
}

/** The stored branding settings and what they amount to, or undefined for an unknown tenant. */
export async function tenantBrandingSettings(db: Queryable, tenantId: string): Promise<{ settings: TenantBrandingSettings; effective: TenantBranding } | undefined> {
  const { rows } = await db.query<BrandingRow>(`select ${BRANDING_COLUMNS} from tenants where id = $1`, [tenantId]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    settings: { displayName: row.display_name, logoUrl: row.logo_url, accentColour: row.accent_colour, sendingDomain: row.sending_domain },
    effective: brandingOf(tenantId, row),
  };
}

/**
 * Changes the branding settings given (null clears one, a setting left out stays as it is); validate first
 * (services/api/admin/schemas.ts). Returns the result, or undefined for an unknown tenant.
 */
export async function setTenantBranding(db: Queryable, tenantId: string, change: Partial<TenantBrandingSettings>) {
  const current = await tenantBrandingSettings(db, tenantId);
  if (!current) return undefined;
  const value = (field: keyof TenantBrandingSettings) => (change[field] === undefined ? current.settings[field] : change[field]);
  await db.query('update tenants set display_name = $2, logo_url = $3, accent_colour = $4, sending_domain = $5 where id = $1', [
    tenantId,
    value('displayName'),
    value('logoUrl'),
    value('accentColour'),
    value('sendingDomain'),
  ]);
  return tenantBrandingSettings(db, tenantId);
}

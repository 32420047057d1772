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

import type { Queryable } from './database';
import { openSecret, sealedKeyId, sealingKeyId, sealSecret } from './secrets';

/** A tenant's ATS webhook adapter as stored: the signing secret (opened) and the raw `config` JSON. */
export interface StoredAtsAdapter {
  tenant: string;
  provider: string;
  secret: string;
  config: unknown;
}

/** An adapter as the admin surface lists it: never the secret, only which key sealed it. */
export interface AtsAdapterSummary {
  provider: string;
  config: unknown;
  /** `sealed` (encrypted at rest) or `plaintext` (stored before sealing; sealed at the next start). */
  secretStorage: 'sealed' | 'plaintext';
  createdAt: string;
  updatedAt: string;
}

// The sealed secret is bound to its row: copied into another tenant's or vendor's row, it does not open.
const context = (tenant: string, provider: string) => `ats_adapters:${tenant}:${provider}`;
const jsonOf = (value: unknown): unknown => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);
const iso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();

interface Row {
  secret_plaintext: string | null;
  secret_sealed: string | null;
  config: unknown;
}

/** A tenant's adapter for `provider` with its secret opened, or undefined when none is set up. */
export async function readAtsAdapter(db: Queryable, tenant: string, provider: string): Promise<StoredAtsAdapter | undefined> {
  const { rows } = await db.query<Row>('select secret_plaintext, secret_sealed, config from ats_adapters where tenant_id = $1 and provider = $2', [tenant, provider]);
  const row = rows[0];
  if (!row) return undefined;
  const secret = row.secret_sealed !== null ? openSecret(row.secret_sealed, context(tenant, provider)) : row.secret_plaintext!;
  return { tenant, provider, secret, config: jsonOf(row.config) ?? {} };
}

/**
 * Creates or replaces a tenant's adapter; the secret is sealed before it reaches the database. Without a
 * secret an existing adapter keeps its own (a config-only change); creating one without a secret throws.
 */
export async function writeAtsAdapter(db: Queryable, adapter: { tenant: string; provider: string; secret?: string; config: unknown }): Promise<'created' | 'updated'> {
  const config = JSON.stringify(adapter.config ?? {});
  if (adapter.secret === undefined) {
    const { rows } = await db.query<{ provider: string }>(
      'update ats_adapters set config = $3::jsonb, updated_at = now() where tenant_id = $1 and provider = $2 returning provider',
      [adapter.tenant, adapter.provider, config],
    );
    if (rows.length === 0) throw new Error(`Tenant ${adapter.tenant} has no ${adapter.provider} adapter yet; a new adapter needs its secret`);
    return 'updated';
  }
  if (adapter.secret.length < 16) throw new Error('A webhook secret must be at least 16 characters');
  const sealed = sealSecret(adapter.secret, context(adapter.tenant, adapter.provider));
  const { rows } = await db.query<{ inserted: boolean }>(
    `insert into ats_adapters (tenant_id, provider, secret_sealed, secret_plaintext, config) values ($1, $2, $3, null, $4::jsonb)
     on conflict (tenant_id, provider) do update set secret_sealed = excluded.secret_sealed, secret_plaintext = null, config = excluded.config, updated_at = now()
     returning (xmax = 0) as inserted`,
    [adapter.tenant, adapter.provider, sealed, config],
  );
  return rows[0]?.inserted ? 'created' : 'updated';
}

/** A tenant's adapters, by provider, without their secrets. */
export async function listAtsAdapters(db: Queryable, tenant: string): Promise<AtsAdapterSummary[]> {
  const { rows } = await db.query<{ provider: string; config: unknown; sealed: boolean; created_at: unknown; updated_at: unknown }>(
    'select provider, config, secret_sealed is not null as sealed, created_at, updated_at from ats_adapters where tenant_id = $1 order by provider',
    [tenant],
  );
  return rows.map((r) => ({ provider: r.provider, config: jsonOf(r.config) ?? {}, secretStorage: r.sealed ? 'sealed' : 'plaintext', createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) }));
}

/** Removes a tenant's adapter; false when there was none. */
export async function deleteAtsAdapter(db: Queryable, tenant: string, provider: string): Promise<boolean> {
  const { rows } = await db.query('delete from ats_adapters where tenant_id = $1 and provider = $2 returning provider', [tenant, provider]);
  return rows.length > 0;
}

/** What `sealAtsAdapterSecrets` did; `unreadable` rows were sealed under a key this process does not have. */
export interface SealReport {
  sealed: number;
  resealed: number;
  unreadable: { tenant: string; provider: string; keyId: string | undefined }[];
}

/**
 * Seals every secret still stored in plaintext (rows older than migration 010) and re-seals those sealed
 * under a key other than the current first key (after a rotation). Run at start; each row is updated only
 * if it is unchanged since it was read, so processes starting together do not overwrite each other. A row
 * this process cannot open is reported, not fatal: only that tenant's webhooks fail, each with the key's id.
 */
export async function sealAtsAdapterSecrets(db: Queryable): Promise<SealReport> {
  const { rows } = await db.query<Row & { tenant_id: string; provider: string }>('select tenant_id, provider, secret_plaintext, secret_sealed, config from ats_adapters');
  const report: SealReport = { sealed: 0, resealed: 0, unreadable: [] };
  const current = sealingKeyId();
  for (const row of rows) {
    const where = context(row.tenant_id, row.provider);
    if (row.secret_sealed === null) {
      const result = await db.query(
        'update ats_adapters set secret_sealed = $3, secret_plaintext = null where tenant_id = $1 and provider = $2 and secret_plaintext = $4 returning provider',
        [row.tenant_id, row.provider, sealSecret(row.secret_plaintext!, where), row.secret_plaintext],
      );
      report.sealed += result.rows.length;
      continue;
    }
    if (sealedKeyId(row.secret_sealed) === current) continue;
    let plain: string;
    try {
      plain = openSecret(row.secret_sealed, where);
    } catch {
      report.unreadable.push({ tenant: row.tenant_id, provider: row.provider, keyId: sealedKeyId(row.secret_sealed) });
      continue;
    }
    const result = await db.query(
      'update ats_adapters set secret_sealed = $3 where tenant_id = $1 and provider = $2 and secret_sealed = $4 returning provider',
      [row.tenant_id, row.provider, sealSecret(plain, where), row.secret_sealed],
    );
    report.resealed += result.rows.length;
  }
  // The plaintext lingers in the table's dead row versions until they are rewritten; the table is tiny.
  if (report.sealed > 0) await db.query('vacuum full ats_adapters').catch(() => undefined);
  return report;
}

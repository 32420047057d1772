import type { Queryable } from '../store';
import { ashby } from './ashby';
import { greenhouse } from './greenhouse';
import { lever } from './lever';
import { AdapterConfig, PROVIDERS, type Provider, type TenantAdapter, type VendorAdapter } from './types';

export * from './types';

/** The adapter of each vendor. */
export const VENDOR_ADAPTERS: Record<Provider, VendorAdapter> = { greenhouse, lever, ashby };

/** True for a vendor Candor has an adapter for. */
export const isProvider = (value: string): value is Provider => (PROVIDERS as readonly string[]).includes(value);

/** A tenant's adapter for a vendor, or undefined when the tenant has not set one up. */
export async function findTenantAdapter(db: Queryable, tenant: string, provider: Provider): Promise<TenantAdapter | undefined> {
  const { rows } = await db.query<{ secret: string; config: unknown }>('select secret, config from ats_adapters where tenant_id = $1 and provider = $2', [tenant, provider]);
  const row = rows[0];
  if (!row) return undefined;
  const config = typeof row.config === 'string' ? (JSON.parse(row.config) as unknown) : row.config;
  return { tenant, provider, secret: row.secret, config: AdapterConfig.parse(config ?? {}) };
}

/** Creates or replaces a tenant's adapter for a vendor (the admin API and tests use it). */
export async function saveTenantAdapter(db: Queryable, adapter: { tenant: string; provider: Provider; secret: string; config?: Partial<AdapterConfig> }): Promise<void> {
  const config = AdapterConfig.parse(adapter.config ?? {});
  await db.query(
    `insert into ats_adapters (tenant_id, provider, secret, config) values ($1, $2, $3, $4::jsonb)
     on conflict (tenant_id, provider) do update set secret = excluded.secret, config = excluded.config, updated_at = now()`,
    [adapter.tenant, adapter.provider, adapter.secret, JSON.stringify(config)],
  );
}

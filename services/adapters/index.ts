import { readAtsAdapter, writeAtsAdapter, type Queryable } from '../../core/store';
import { ashby } from './ashby';
import { greenhouse } from './greenhouse';
import { lever } from './lever';
import { AdapterConfig, PROVIDERS, type Provider, type TenantAdapter, type VendorAdapter } from './types';

export * from './types';

/** The adapter of each vendor. */
export const VENDOR_ADAPTERS: Record<Provider, VendorAdapter> = { greenhouse, lever, ashby };

/** True for a vendor Candor has an adapter for. */
export const isProvider = (value: string): value is Provider => (PROVIDERS as readonly string[]).includes(value);

/** A tenant's adapter for a vendor, or undefined when the tenant has not set one up (the secret comes back opened). */
export async function findTenantAdapter(db: Queryable, tenant: string, provider: Provider): Promise<TenantAdapter | undefined> {
  const stored = await readAtsAdapter(db, tenant, provider);
  if (!stored) return undefined;
  return { tenant, provider, secret: stored.secret, config: AdapterConfig.parse(stored.config ?? {}) };
}

/** Creates or replaces a tenant's adapter for a vendor; the secret is sealed at rest (the admin API and tests use it). */
export async function saveTenantAdapter(db: Queryable, adapter: { tenant: string; provider: Provider; secret: string; config?: Partial<AdapterConfig> }): Promise<void> {
  await writeAtsAdapter(db, { tenant: adapter.tenant, provider: adapter.provider, secret: adapter.secret, config: AdapterConfig.parse(adapter.config ?? {}) });
}

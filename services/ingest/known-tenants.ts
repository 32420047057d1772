import type { Queryable } from '../../core/store/database';
import { tenantExists } from '../../core/store/tenants';

/**
 * How long ingest trusts one answer to "does this tenant exist?". Short, so a tenant created a moment
 * ago is accepted within seconds, and long enough that a busy partition asks the database about each
 * tenant once per window instead of once per event.
 */
export const TENANT_CACHE_TTL_MS = 5_000;

/**
 * A cached tenant lookup: answers (found or not) are kept for `ttlMs`; concurrent lookups of one tenant
 * share one query. A failed query is not cached, so the caller can treat it as transient and retry.
 */
export function knownTenants(db: Queryable, ttlMs = TENANT_CACHE_TTL_MS, now: () => number = Date.now): (tenant: string) => Promise<boolean> {
  const answers = new Map<string, { exists: Promise<boolean>; until: number }>();
  return (tenant) => {
    const cached = answers.get(tenant);
    if (cached && cached.until > now()) return cached.exists;
    const exists = tenantExists(db, tenant);
    answers.set(tenant, { exists, until: now() + ttlMs });
    exists.catch(() => {
      if (answers.get(tenant)?.exists === exists) answers.delete(tenant);
    });
    // Bounded by the number of tenants seen within one window; expired entries go on the next lookup.
    if (answers.size > 10_000) for (const [id, entry] of answers) if (entry.until <= now()) answers.delete(id);
    return exists;
  };
}

import type { Queryable } from '../../../core/store/database';
import { knownTenants, TENANT_CACHE_TTL_MS } from '../../../services/ingest/known-tenants';

describe("ingest's tenant lookups", () => {
  const store = (tenants: Set<string>, failing = { on: false }) => {
    const queries: string[] = [];
    const db = {
      query: async (_sql: string, params?: unknown[]) => {
        queries.push(String(params?.[0]));
        if (failing.on) throw new Error('store unreachable');
        return { rows: tenants.has(String(params?.[0])) ? [{ found: 1 }] : [], rowCount: 0 };
      },
    } as unknown as Queryable;
    return { db, queries };
  };

  it('asks the store once per tenant per window, found or not, and sees a tenant created since after the window', async () => {
    let now = 0;
    const tenants = new Set(['acme']);
    const { db, queries } = store(tenants);
    const known = knownTenants(db, TENANT_CACHE_TTL_MS, () => now);
    expect(await Promise.all([known('acme'), known('acme'), known('ghost'), known('ghost')])).toEqual([true, true, false, false]);
    expect(queries).toEqual(['acme', 'ghost']);
    tenants.add('ghost');
    now = TENANT_CACHE_TTL_MS - 1;
    expect(await known('ghost')).toBe(false);
    now = TENANT_CACHE_TTL_MS;
    expect(await known('ghost')).toBe(true);
    expect(queries).toEqual(['acme', 'ghost', 'ghost']);
  });

  it('does not remember a failed lookup', async () => {
    const failing = { on: true };
    const { db, queries } = store(new Set(['acme']), failing);
    const known = knownTenants(db, TENANT_CACHE_TTL_MS, () => 0);
    await expect(known('acme')).rejects.toThrow('store unreachable');
    failing.on = false;
    expect(await known('acme')).toBe(true);
    expect(queries).toEqual(['acme', 'acme']);
  });
});

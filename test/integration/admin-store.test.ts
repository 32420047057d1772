import { randomBytes } from 'node:crypto';
import { findTenantAdapter, saveTenantAdapter } from '../../services/adapters';
import {
  createApiKey, createTenant, listApiKeys, listAtsAdapters, loadMigrations, migrate, readAtsAdapter,
  rotateApiKey, sealAtsAdapterSecrets, tenantForApiKey, useSecretKeys, type Database,
} from '../../core/store';
import type { EncryptionKey } from '../../core/temporal/codec';
import { databaseKinds } from '../helpers/databases';

const key = (id: string): EncryptionKey => ({ id, key: randomBytes(32) });

describe.each(databaseKinds)('admin store on %s', (_kind, create) => {
  // One migrated database for the tests that need only the current schema (PGlite migrations take seconds).
  let ctx: Awaited<ReturnType<typeof create>>;
  beforeAll(async () => {
    ctx = await create();
    await migrate(ctx.db);
  });
  afterAll(async () => {
    await ctx?.db.close();
    await ctx?.drop();
  });

  it('a webhook secret stored before migration 010 is marked plaintext, sealed at start, re-sealed after a key rotation, and verifies throughout', async () => {
    const own = await create();
    try {
      await legacySecretIsSealed(own.db);
    } finally {
      await own.db.close();
      await own.drop();
    }
  });

  async function legacySecretIsSealed(db: Database): Promise<void> {
    const secret = `legacy-secret-${randomBytes(8).toString('hex')}`;
    await migrate(db, loadMigrations().filter((m) => m.version < 10));
    await db.query("insert into tenants (id, name) values ('legacy', 'Legacy')");
    await db.query("insert into ats_adapters (tenant_id, provider, secret, config) values ('legacy', 'greenhouse', $1, '{\"stages\":{\"1\":\"interview\"}}'::jsonb)", [secret]);
    await migrate(db);

    // Marked, and still readable by the webhook path before anything sealed it.
    const plain = await db.query<{ secret_plaintext: string | null; secret_sealed: string | null }>('select secret_plaintext, secret_sealed from ats_adapters');
    expect(plain.rows).toEqual([{ secret_plaintext: secret, secret_sealed: null }]);
    expect((await listAtsAdapters(db, 'legacy'))[0]).toMatchObject({ provider: 'greenhouse', secretStorage: 'plaintext' });
    expect(await findTenantAdapter(db, 'legacy', 'greenhouse')).toMatchObject({ secret, config: { stages: { '1': 'interview' } } });

    const old = key('old');
    useSecretKeys([old]);
    expect(await sealAtsAdapterSecrets(db)).toEqual({ sealed: 1, resealed: 0, unreadable: [] });
    const sealed = await db.query<{ secret_plaintext: string | null; secret_sealed: string }>('select secret_plaintext, secret_sealed from ats_adapters');
    expect(sealed.rows[0]!.secret_plaintext).toBeNull();
    expect(sealed.rows[0]!.secret_sealed).toMatch(/^v1:old:/);
    expect(JSON.stringify(sealed.rows)).not.toContain(secret);
    expect((await findTenantAdapter(db, 'legacy', 'greenhouse'))?.secret).toBe(secret);
    expect(await sealAtsAdapterSecrets(db)).toEqual({ sealed: 0, resealed: 0, unreadable: [] });

    // A new first key: the next start re-seals under it; the old key can then go.
    const fresh = key('new');
    useSecretKeys([fresh, old]);
    expect(await sealAtsAdapterSecrets(db)).toEqual({ sealed: 0, resealed: 1, unreadable: [] });
    useSecretKeys([fresh]);
    expect((await findTenantAdapter(db, 'legacy', 'greenhouse'))?.secret).toBe(secret);

    // Without the key, reading names it and start-up reports the row instead of failing.
    useSecretKeys([key('other')]);
    await expect(findTenantAdapter(db, 'legacy', 'greenhouse')).rejects.toThrow(/encryption key "new", which this process does not have/);
    expect(await sealAtsAdapterSecrets(db)).toEqual({ sealed: 0, resealed: 0, unreadable: [{ tenant: 'legacy', provider: 'greenhouse', keyId: 'new' }] });
  }

  it('a sealed secret is bound to its tenant and vendor: copied into another row it does not open', async () => {
    const { db } = ctx;
    useSecretKeys([key('k1')]);
    await createTenant(db, { id: 'one', name: 'One' });
    await createTenant(db, { id: 'two', name: 'Two' });
    await saveTenantAdapter(db, { tenant: 'one', provider: 'lever', secret: 'one-lever-secret-0123456789' });
    await saveTenantAdapter(db, { tenant: 'two', provider: 'lever', secret: 'two-lever-secret-0123456789' });
    await db.query("update ats_adapters set secret_sealed = (select secret_sealed from ats_adapters where tenant_id = 'one') where tenant_id = 'two'");
    expect((await readAtsAdapter(db, 'one', 'lever'))?.secret).toBe('one-lever-secret-0123456789');
    await expect(readAtsAdapter(db, 'two', 'lever')).rejects.toThrow();
    await expect(saveTenantAdapter(db, { tenant: 'one', provider: 'ashby', secret: 'short' })).rejects.toThrow(/at least 16/);
  });

  it('rotating a key revokes the old one at once and records its replacement; a revoked key cannot be rotated', async () => {
    const { db } = ctx;
    await createTenant(db, { id: 'rot', name: 'Rot' });
    expect(await createTenant(db, { id: 'rot', name: 'Again' })).toBe(false);
    const first = await createApiKey(db, 'rot', 'ci');
    const second = await db.transaction((tx) => rotateApiKey(tx, 'rot', first.id));
    if (second === undefined || second === 'revoked') throw new Error(`rotate answered ${String(second)}`);
    expect(second.label).toBe('ci');
    expect(await tenantForApiKey(db, first.key)).toBeUndefined();
    expect((await tenantForApiKey(db, second.key))?.id).toBe('rot');
    expect(await rotateApiKey(db, 'rot', first.id)).toBe('revoked');
    expect(await rotateApiKey(db, 'rot', 'no-such-key')).toBeUndefined();
    const keys = await listApiKeys(db, 'rot');
    expect(keys.map((k) => ({ id: k.id, revoked: k.revokedAt !== null, replacedBy: k.replacedBy }))).toEqual([
      { id: first.id, revoked: true, replacedBy: second.id },
      { id: second.id, revoked: false, replacedBy: null },
    ]);
    expect(JSON.stringify(keys)).not.toContain(first.key.slice(12));
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addApiKey, appliedVersions, ensureTenant, generateApiKey, hashApiKey, loadMigrations, migrate,
  openPostgresDatabase, revokeApiKeys, tenantForApiKey,
} from '../../core/store';
import { ensureDemoTenant } from '../../core/store/demo-tenant';
import { freshPgliteOnDisk, freshPostgresDatabase, type FreshDatabase } from '../helpers/databases';

/** A fresh database of each kind that can be opened again: PGlite in a temp dir, and a new database on the test PostgreSQL server. */
const kinds: [string, () => Promise<FreshDatabase>][] = [
  ['PGlite', freshPgliteOnDisk],
  ['PostgreSQL', freshPostgresDatabase],
];

describe.each(kinds)('data layer on %s', (_kind, create) => {
  let ctx: Awaited<ReturnType<typeof create>>;
  beforeEach(async () => {
    ctx = await create();
  });
  afterEach(async () => {
    await ctx.db.close();
    await ctx.drop();
  });

  it('applies every migration once, and again is a no-op', async () => {
    const all = loadMigrations().map((m) => m.version);
    expect(await migrate(ctx.db)).toEqual(all);
    expect(await migrate(ctx.db)).toEqual([]);
    expect(await appliedVersions(ctx.db)).toEqual(all);
    const tables = await ctx.db.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['api_keys', 'schema_migrations', 'tenants']));
  });

  it('keeps migrations and data across a reopen', async () => {
    await migrate(ctx.db);
    await ensureTenant(ctx.db, { id: 'acme', name: 'Acme' });
    await ctx.db.close();
    ctx.db = await ctx.open!();
    expect(await migrate(ctx.db)).toEqual([]);
    expect((await ctx.db.query('select id from tenants')).rows).toEqual([{ id: 'acme' }]);
  });

  it('stores API keys hashed and resolves them to their tenant only', async () => {
    await migrate(ctx.db);
    await ensureTenant(ctx.db, { id: 'acme', name: 'Acme' });
    await ensureTenant(ctx.db, { id: 'globex', name: 'Globex' });
    const key = generateApiKey();
    await addApiKey(ctx.db, 'acme', key, 'ci');
    const stored = await ctx.db.query<{ key_hash: string; key_prefix: string }>('select key_hash, key_prefix from api_keys');
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.key_hash).toBe(hashApiKey(key));
    expect(JSON.stringify(stored.rows)).not.toContain(key);
    expect(await tenantForApiKey(ctx.db, key)).toEqual({ id: 'acme', name: 'Acme' });
    expect(await tenantForApiKey(ctx.db, generateApiKey())).toBeUndefined();
    await expect(addApiKey(ctx.db, 'globex', key)).rejects.toThrow(/another tenant/);
    await revokeApiKeys(ctx.db, 'acme', 'ci');
    expect(await tenantForApiKey(ctx.db, key)).toBeUndefined();
  });

  it('rolls back a failed transaction completely', async () => {
    await migrate(ctx.db);
    await expect(
      ctx.db.transaction(async (tx) => {
        await tx.query("insert into tenants (id, name) values ('half', 'Half')");
        await tx.query("insert into tenants (id, name) values ('Not Valid!', 'x')");
      }),
    ).rejects.toThrow();
    expect((await ctx.db.query("select id from tenants where id = 'half'")).rows).toEqual([]);
  });

  it('creates the demo tenant with the configured key, or a generated one that is stable across starts', async () => {
    await migrate(ctx.db);
    const dataDir = mkdtempSync(join(tmpdir(), 'candor-demo-'));
    const first = await ensureDemoTenant(ctx.db, { apiKey: undefined, dataDir });
    expect(first.source).toBe('generated');
    const second = await ensureDemoTenant(ctx.db, { apiKey: undefined, dataDir });
    expect(second).toEqual({ ...first, source: 'generated earlier' });
    expect((await tenantForApiKey(ctx.db, first.apiKey))?.id).toBe('demo');
    const fixed = 'demo-key-from-the-environment-123';
    await ensureDemoTenant(ctx.db, { apiKey: fixed, dataDir });
    expect((await tenantForApiKey(ctx.db, fixed))?.id).toBe('demo');
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('migrations on one PostgreSQL server from several processes at once', () => {
  it('apply each migration exactly once', async () => {
    const fresh = await freshPostgresDatabase();
    await fresh.db.close();
    const dbs = await Promise.all([1, 2, 3, 4].map(() => openPostgresDatabase(fresh.url!, { max: 2 })));
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    const all = loadMigrations().map((m) => m.version);
    // Numeric order, on a copy: Array#sort alone orders 10 before 2 and would reorder `all` for the next line.
    expect(results.flat().sort((a, b) => a - b)).toEqual([...all].sort((a, b) => a - b));
    expect(await appliedVersions(dbs[0]!)).toEqual(all);
    await Promise.all(dbs.map((db) => db.close()));
    await fresh.drop();
  });
});

describe('prepared statements on PostgreSQL', () => {
  it('prepares a statement once per connection; one whose table changed under it while running goes on unnamed; off prepares none', async () => {
    const fresh = await freshPostgresDatabase();
    await fresh.db.close();
    const db = await openPostgresDatabase(fresh.url!, { max: 1 });
    const prepared = async () => (await db.query<{ statement: string }>('select statement from pg_prepared_statements')).rows.map((r) => r.statement);
    await db.exec('create table notes (id int primary key, body text)');
    const insert = 'insert into notes (id, body) values ($1, $2) on conflict (id) do update set body = excluded.body returning *';
    expect((await db.query(insert, [1, 'first'])).rows).toEqual([{ id: 1, body: 'first' }]);
    expect((await db.query(insert, [1, 'again'])).rows).toEqual([{ id: 1, body: 'again' }]);
    expect((await prepared()).filter((s) => s === insert)).toHaveLength(1);
    // Another process migrates meanwhile: `returning *` now has another shape than the prepared plan's.
    const migrator = await openPostgresDatabase(fresh.url!, { max: 1 });
    await migrator.exec('alter table notes add column seen boolean not null default false');
    expect((await db.query(insert, [2, 'after the migration'])).rows).toEqual([{ id: 2, body: 'after the migration', seen: false }]);
    expect((await db.query(insert, [2, 'and after that'])).rows).toEqual([{ id: 2, body: 'and after that', seen: false }]);
    await db.close();
    const unnamed = await openPostgresDatabase(fresh.url!, { max: 1, preparedStatements: false });
    expect((await unnamed.query(insert, [3, 'unnamed'])).rows).toEqual([{ id: 3, body: 'unnamed', seen: false }]);
    expect((await unnamed.query<{ n: string }>('select count(*) as n from pg_prepared_statements')).rows[0]!.n).toBe('0');
    await unnamed.close();
    await migrator.close();
    await fresh.drop();
  });
});

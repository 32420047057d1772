import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database';

/** One versioned migration: `NNN_name.sql` in core/store/migrations. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** Reads the migrations shipped with Candor, ordered by version; duplicate versions are an error. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)_([a-z0-9_-]+)\.sql$/.exec(file);
      if (!match) throw new Error(`Migration file name "${file}" must look like 001_name.sql`);
      return { version: Number(match[1]), name: match[2]!, sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new Error(`Two migrations share version ${migrations[i]!.version}`);
    }
  }
  return migrations;
}

// Any fixed 64-bit number; every Candor process migrating one PostgreSQL server takes this lock,
// so two roles starting at once apply each migration exactly once.
const MIGRATION_LOCK = 4_211_730_551;

/** Applies every pending migration, each in its own transaction; returns the versions applied. */
export async function migrate(db: Database, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      // The lock comes first, before even `create table if not exists`, which itself races between sessions.
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await tx.exec(`create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`);
      const existing = await tx.query('select 1 from schema_migrations where version = $1', [migration.version]);
      if (existing.rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

/** The versions recorded as applied, ascending. */
export async function appliedVersions(db: Database): Promise<number[]> {
  const result = await db.query<{ version: number }>('select version from schema_migrations order by version');
  return result.rows.map((r) => Number(r.version));
}

import { join } from 'node:path';
import type { Config } from '../config';
import type { Database } from './database';
import { openPgliteDatabase } from './pglite-database';
import { openPostgresDatabase } from './postgres-database';

export type { Database, Queryable, QueryResult } from './database';
export { migrate, loadMigrations, appliedVersions } from './migrate';
export * from './tenants';
export * from './ats-adapters';
export { useSecretKeys } from './secrets';

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite under the data dir. */
export async function openDatabase(config: Pick<Config, 'database'>): Promise<Database> {
  if (config.database.url) return openPostgresDatabase(config.database.url, { preparedStatements: config.database.preparedStatements !== false });
  return openPgliteDatabase(join(config.database.dataDir, 'pglite'));
}

export { openPgliteDatabase, openPostgresDatabase };

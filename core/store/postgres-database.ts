import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, QueryResult, Queryable } from './database';

/** Statement texts that get a name (Candor's own are a few hundred, all fixed); any beyond run unnamed. */
const PREPARED_KEPT = 2000;
/** PostgreSQL's "cached plan must not change result type" (feature_not_supported): a table under a prepared `returning *` changed. */
const isCachedPlanChanged = (error: unknown): boolean =>
  (error as { code?: unknown }).code === '0A000' && /cached plan must not change result type/.test((error as Error).message ?? '');

/**
 * Names for statements, so that node-postgres prepares each once per connection: PostgreSQL then parses and plans a
 * statement the send path runs again and again once per connection instead of on every call. A text whose prepared
 * plan no longer fits (a migration changed a table it returns while this process ran) runs unnamed from then on.
 */
function statementNames() {
  const names = new Map<string, string>();
  const unnamed = new Set<string>();
  return {
    of(sql: string): string | undefined {
      if (unnamed.has(sql)) return undefined;
      let name = names.get(sql);
      if (!name && names.size < PREPARED_KEPT) {
        name = `candor_${createHash('sha256').update(sql).digest('base64url').slice(0, 22)}`;
        names.set(sql, name);
      }
      return name;
    },
    stale(sql: string) {
      unnamed.add(sql);
    },
  };
}

/** How the pool talks to the server. */
export interface PostgresOptions {
  /** Connections in the pool (10). */
  max?: number;
  /**
   * Prepare Candor's statements once per connection (default true). Off for a connection pooler that cannot keep
   * prepared statements across transactions (PgBouncer in transaction mode before 1.21): DATABASE_PREPARED_STATEMENTS=off.
   */
  preparedStatements?: boolean;
}

/** Connects to a PostgreSQL server through a node-postgres pool. */
export async function openPostgresDatabase(url: string, options: PostgresOptions = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
  // An idle client that loses its connection emits 'error' on the pool; without a listener the process dies.
  pool.on('error', () => undefined);
  const names = options.preparedStatements === false ? undefined : statementNames();
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const name = names?.of(sql);
      if (!name) return { rows: (await q.query(sql, params)).rows as T[] };
      try {
        return { rows: (await q.query({ name, text: sql, values: params })).rows as T[] };
      } catch (error) {
        if (!isCachedPlanChanged(error)) throw error;
        names!.stale(sql);
        return { rows: (await q.query(sql, params)).rows as T[] };
      }
    },
    async exec(sql: string): Promise<void> {
      await q.query(sql);
    },
  });
  const db: Database = {
    kind: 'postgres',
    ...wrap(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(wrap(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await pool.end();
    },
  };
  await db.ping();
  return db;
}

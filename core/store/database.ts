/** A row-returning query result, the common shape of PGlite and node-postgres results. */
export interface QueryResult<T> {
  rows: T[];
}

/** Something that runs SQL: the database itself or a transaction on it. */
export interface Queryable {
  /** Runs one parameterised statement ($1, $2, …). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** Candor's one data layer over PostgreSQL: embedded PGlite by default, a server when DATABASE_URL is set. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in a transaction, committing when it resolves and rolling back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes one module hands to another's statement, to go in the same round trip: data-modifying common table
 * expressions (`insert …`, `delete …`) the statement runs first, in a `with` of its own. Each body names its
 * parameters through `param(i)` (i from 1, over `params`), which gives their place in the whole statement.
 */
export interface CarriedWrite {
  bodies(param: (i: number) => string): string[];
  params: unknown[];
}

/** `sql` (a statement that is not itself a `with`, its parameters $1…$n in `params`) preceded by the carried writes. */
export function withCarriedWrites(sql: string, params: unknown[], carried: readonly CarriedWrite[]): { sql: string; params: unknown[] } {
  if (carried.length === 0) return { sql, params };
  const all = [...params];
  const ctes: string[] = [];
  for (const write of carried) {
    const offset = all.length;
    all.push(...write.params);
    for (const body of write.bodies((i) => `$${offset + i}`)) ctes.push(`carried_${ctes.length} as (${body})`);
  }
  return { sql: `with ${ctes.join(', ')}\n${sql}`, params: all };
}

/** Runs carried writes on their own (one statement). */
export async function runCarriedWrites(db: Queryable, carried: readonly CarriedWrite[]): Promise<void> {
  const { sql, params } = withCarriedWrites('select 1', [], carried);
  await db.query(sql, params);
}

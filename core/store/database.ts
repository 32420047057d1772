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

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openPgliteDatabase, openPostgresDatabase, type Database } from '../../core/store';
import { required } from './env';

/** A fresh, empty database and how to drop it again. */
export interface FreshDatabase {
  db: Database;
  drop: () => Promise<void>;
  /** The PostgreSQL database's URL, for another process or connection pool; undefined for PGlite. */
  url?: string;
}

async function onTestServer(sql: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: required('CANDOR_TEST_DATABASE_URL') });
  await admin.connect();
  try {
    await sql(admin);
  } finally {
    await admin.end();
  }
}

/** A new database on the test PostgreSQL server (CANDOR_TEST_DATABASE_URL), dropped by `drop`. */
export async function freshPostgresDatabase(): Promise<FreshDatabase> {
  const name = `candor_${randomUUID().replace(/-/g, '')}`;
  await onTestServer((admin) => admin.query(`create database ${name}`));
  const url = new URL(required('CANDOR_TEST_DATABASE_URL'));
  url.pathname = `/${name}`;
  return {
    db: await openPostgresDatabase(url.toString()),
    url: url.toString(),
    drop: () => onTestServer((admin) => admin.query(`drop database if exists ${name} with (force)`)),
  };
}

/** Each kind of database the store supports, fresh and empty: in-memory PGlite and a new PostgreSQL database. */
export const databaseKinds: [string, () => Promise<FreshDatabase>][] = [
  ['PGlite', async () => ({ db: await openPgliteDatabase(undefined), drop: async () => undefined })],
  ['PostgreSQL', freshPostgresDatabase],
];

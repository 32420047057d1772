import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPgliteDatabase, openPostgresDatabase, type Database } from '../../core/store';
import { required } from './env';

/** A fresh, empty database and how to drop it again. */
export interface FreshDatabase {
  db: Database;
  drop: () => Promise<void>;
  /** The PostgreSQL database's URL, for another process or connection pool; undefined for PGlite. */
  url?: string;
  /** Opens the same database again (after `db` was closed); not for in-memory PGlite. */
  open?: () => Promise<Database>;
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
  const open = () => openPostgresDatabase(url.toString());
  return {
    db: await open(),
    url: url.toString(),
    open,
    drop: () => onTestServer((admin) => admin.query(`drop database if exists ${name} with (force)`)),
  };
}

/** A new PGlite database in a temporary directory, removed by `drop`. */
export async function freshPgliteOnDisk(): Promise<FreshDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'candor-pglite-'));
  const open = () => openPgliteDatabase(dir);
  return { db: await open(), open, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Each kind of database the store supports, fresh and empty: in-memory PGlite and a new PostgreSQL database. */
export const databaseKinds: [string, () => Promise<FreshDatabase>][] = [
  ['PGlite', async () => ({ db: await openPgliteDatabase(undefined), drop: async () => undefined })],
  ['PostgreSQL', freshPostgresDatabase],
];

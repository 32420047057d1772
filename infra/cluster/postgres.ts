import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { adoptProcess, assertPortFree, isAlive, StackError, startProcess, waitUntilReady, type ManagedProcess } from '../stack';
import { findPostgresBin } from '../stack/postgres';
import { untilGone, type ClusterNode } from './node';

/** The databases the cluster keeps in its PostgreSQL server: Candor's store and Temporal's two. */
export const CLUSTER_DATABASES = { candor: 'candor', temporal: 'temporal', visibility: 'temporal_visibility' } as const;
/** The one role every client of the cluster's PostgreSQL uses (trust authentication on 127.0.0.1). */
export const CLUSTER_DB_USER = 'candor';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** A PostgreSQL node: Debian's server binaries on a data folder kept across starts (initialised once). */
export interface PostgresNode extends ClusterNode {
  /** The URL of `database` on this server. */
  url(database: string): string;
  port: number;
}

/**
 * PostgreSQL for the cluster, run as the `postgres` user when this process is root. `stop()` is a fast
 * shutdown (SIGINT to the postmaster: connections are cut, nothing is lost); `kill()` SIGKILLs the
 * postmaster (crash recovery on the next start).
 */
export function postgresNode(options: { dir: string; port: number; logDir: string; log?: (m: string) => void }): PostgresNode {
  const url = (database: string) => `postgres://${CLUSTER_DB_USER}@127.0.0.1:${options.port}/${database}`;
  const asPostgres = isRoot();
  const wrap = (command: string, args: string[]): [string, string[]] => (asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]);
  let proc: ManagedProcess | undefined;
  // The postmaster itself (under runuser when root): what kill and stop signal, and what the pid file records.
  let postmaster: ManagedProcess | undefined;
  const postmasterPid = (): number | undefined => {
    try {
      return Number(readFileSync(join(options.dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  const init = () => {
    if (existsSync(join(options.dir, 'PG_VERSION'))) return;
    const bin = findPostgresBin(options.log);
    mkdirSync(options.dir, { recursive: true });
    if (asPostgres) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(options.dir, uid, gid);
    }
    const [cmd, args] = wrap(join(bin, 'initdb'), ['-D', options.dir, '-U', CLUSTER_DB_USER, '--auth=trust', '-E', 'UTF8', '--no-sync']);
    const result = spawnSync(cmd, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new StackError(`initdb failed: ${result.stderr}`);
  };
  const end = async (signal: 'SIGINT' | 'SIGKILL') => {
    const p = proc;
    proc = undefined;
    postmaster = undefined;
    if (!p) return;
    const pid = postmasterPid();
    if (pid && isAlive(pid)) {
      process.kill(pid, signal);
      await untilGone(pid);
    }
    // runuser exits with the postmaster; a killed postmaster's backends end on their own within moments.
    await p.stop(10_000);
  };
  return {
    name: 'postgres',
    kind: 'postgres',
    address: `127.0.0.1:${options.port}`,
    port: options.port,
    url,
    current: () => postmaster,
    async start() {
      init();
      await assertPortFree(options.port, 'cluster PostgreSQL');
      const bin = findPostgresBin(options.log);
      const [cmd, args] = wrap(join(bin, 'postgres'), [
        '-D', options.dir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-k', options.dir,
        // Temporal (two pools), five Candor processes (ten each) and the tests' own connections.
        '-c', 'max_connections=200',
      ]);
      proc = startProcess({ name: 'postgres', command: cmd, args, logFile: join(options.logDir, 'postgres.log') });
      const probe = async () => {
        const client = new pg.Client({ connectionString: url('postgres'), connectionTimeoutMillis: 1000 });
        await client.connect();
        await client.end();
        return true;
      };
      await waitUntilReady({ what: 'cluster PostgreSQL', probe, process: proc, timeoutMs: 60_000 });
      postmaster = adoptProcess({ name: 'postgres', pid: postmasterPid()!, logFile: proc.logFile });
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        const existing = new Set((await client.query<{ datname: string }>('select datname from pg_database')).rows.map((r) => r.datname));
        for (const db of Object.values(CLUSTER_DATABASES)) if (!existing.has(db)) await client.query(`create database ${db}`);
      } finally {
        await client.end();
      }
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGINT'),
  };
}

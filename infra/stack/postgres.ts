import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertPortFree, StackError, startProcess, waitUntilReady, type ManagedProcess } from './process';
import pg from 'pg';

/** A throwaway PostgreSQL server for the data layer's tests. */
export interface TestPostgres {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The newest Debian PostgreSQL server binaries directory, installing the `postgresql` package when root and missing. */
export function findPostgresBin(log: (m: string) => void = () => undefined): string {
  const locate = () => {
    const base = '/usr/lib/postgresql';
    if (!existsSync(base)) return undefined;
    const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    return versions[0] ? join(base, versions[0], 'bin') : undefined;
  };
  const found = locate();
  if (found) return found;
  if (isRoot() && existsSync('/usr/bin/apt-get')) {
    log("Installing Debian's postgresql package for the data layer's tests …");
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const installed = locate();
    if (result.status === 0 && installed) return installed;
  }
  throw new StackError(
    "The data layer's tests need a PostgreSQL server: install Debian's `postgresql` package (or set CANDOR_TEST_DATABASE_URL to a database they may wipe).",
  );
}

/** Initialises a fresh cluster in `dir` and starts it on `port` (as the `postgres` user when running as root). */
export async function startTestPostgres(options: { dir: string; port: number; logDir: string; log?: (m: string) => void }): Promise<TestPostgres> {
  const bin = findPostgresBin(options.log);
  await assertPortFree(options.port, 'test PostgreSQL');
  rmSync(options.dir, { recursive: true, force: true });
  mkdirSync(options.dir, { recursive: true });
  const asPostgres = isRoot();
  const wrap = (command: string, args: string[]): [string, string[]] => (asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]);
  if (asPostgres) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(options.dir, uid, gid);
  }
  const [initCmd, initArgs] = wrap(join(bin, 'initdb'), ['-D', options.dir, '-U', 'candor', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new StackError(`initdb failed: ${init.stderr}`);
  const [cmd, args] = wrap(join(bin, 'postgres'), [
    '-D', options.dir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-k', options.dir,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
  ]);
  const proc = startProcess({ name: 'postgres', command: cmd, args, logFile: join(options.logDir, 'postgres.log') });
  const admin = `postgres://candor@127.0.0.1:${options.port}/postgres`;
  const probe = async () => {
    const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 1000 });
    await client.connect();
    await client.end();
    return true;
  };
  await waitUntilReady({ what: 'test PostgreSQL', probe, process: proc, timeoutMs: 30_000 });
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query('create database candor_test');
  await client.end();
  return { url: `postgres://candor@127.0.0.1:${options.port}/candor_test`, process: proc, stop: () => proc.stop(10_000) };
}

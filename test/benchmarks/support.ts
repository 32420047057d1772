// Shared pieces of the benchmark family (test/benchmarks/run.ts describes the protocol): the private
// stack the runner brings up, Candor roles started as their own processes (services/main.ts with
// CANDOR_ROLE), a database per script, percentiles and the `BENCH {json}` output line.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DATA_DIR, ROOT, startLocalStack, startProcess, tail, type ManagedProcess } from '../../infra/stack';
import { startTestPostgres } from '../../infra/stack/postgres';
import { WORKER_NODE_ARGS } from '../../core/temporal/workflow-code';
import { openPgliteDatabase, openPostgresDatabase, type Database } from '../../core/store';

/** One figure, as a script prints it (`BENCH ` + JSON on one stdout line). */
export interface BenchRow {
  figure: string;
  value: number | null;
  unit: string;
  goal: string;
  pass: boolean | null;
  /** value ÷ the same measure on bare Temporal in the same run. */
  ratio: number | null;
  /** That bare-Temporal value. */
  baseline: number | null;
  bottleneck?: string;
  note?: string;
}

export const BENCH_PREFIX = 'BENCH ';

/** Prints one figure for the runner (and for a person reading the output). */
export function emit(row: BenchRow): void {
  process.stdout.write(`${BENCH_PREFIX}${JSON.stringify(row)}\n`);
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? NaN) / 1024;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The Temporal dev server's pid, found by its port in /proc (for its CPU time); none if not on this machine. */
export const temporalPids = (address: string): number[] => pidsWhere((args) => args.includes('start-dev') && args.includes(address.split(':').pop()!));

/** Pids under /proc whose command line passes `test` (their own processes only; a vanished one is skipped). */
export function pidsWhere(test: (args: string[], pid: number) => boolean): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (test(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0'), Number(entry))) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

/** Ports of the private bench stack: away from npm start (7233, 9092) and npm test (17233, 19092…). BENCH_PORT_OFFSET shifts them. */
export function benchPorts(offset = Number(process.env.BENCH_PORT_OFFSET ?? 0)) {
  return { temporal: 27233 + offset, temporalUi: 28233 + offset, kafka: 29092 + offset, kafkaController: 29093 + offset, postgres: 25432 + offset, http: 23000 + offset };
}

/** What the runner hands each script (see run.ts). */
export interface BenchStackEnv {
  TEMPORAL_ADDRESS: string;
  KAFKA_BROKERS: string;
  BENCH_POSTGRES_ADMIN_URL: string;
}

export interface BenchStack {
  env: BenchStackEnv;
  dir: string;
  stop(): Promise<void>;
}

/**
 * The private stack: a Temporal dev server in memory, a Kafka broker and a PostgreSQL server (so each
 * role can run in its own process), all on bench ports, under .data/bench[-offset]. TEMPORAL_ADDRESS and
 * KAFKA_BROKERS in the environment use those servers instead (e.g. npm start's), BENCH_POSTGRES_ADMIN_URL
 * a PostgreSQL server the scripts may create databases on.
 */
export async function startBenchStack(log: (m: string) => void): Promise<BenchStack> {
  const offset = Number(process.env.BENCH_PORT_OFFSET ?? 0);
  const ports = benchPorts(offset);
  const dir = join(DATA_DIR, offset ? `bench-${offset}` : 'bench');
  const logDir = join(dir, 'logs');
  rmSync(join(dir, 'kafka'), { recursive: true, force: true });
  rmSync(join(dir, 'scripts'), { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const useRunning = Boolean(process.env.TEMPORAL_ADDRESS && process.env.KAFKA_BROKERS);
  const stack = useRunning
    ? undefined
    : await startLocalStack({
        dataDir: dir,
        temporalPort: ports.temporal,
        temporalUiPort: ports.temporalUi,
        persistTemporal: false,
        kafkaPort: ports.kafka,
        kafkaControllerPort: ports.kafkaController,
        reuseRunning: false,
        log,
      });
  if (useRunning) log(`Using Temporal at ${process.env.TEMPORAL_ADDRESS} and Kafka at ${process.env.KAFKA_BROKERS}.`);
  const postgres = process.env.BENCH_POSTGRES_ADMIN_URL
    ? undefined
    : await startTestPostgres({ dir: join(dir, 'postgres'), port: ports.postgres, logDir, log }).catch(async (error: unknown) => {
        await stack?.stop();
        throw error;
      });
  return {
    env: {
      TEMPORAL_ADDRESS: stack?.temporal.address ?? process.env.TEMPORAL_ADDRESS!,
      KAFKA_BROKERS: stack?.kafka.brokers.join(',') ?? process.env.KAFKA_BROKERS!,
      BENCH_POSTGRES_ADMIN_URL: process.env.BENCH_POSTGRES_ADMIN_URL ?? `postgres://candor@127.0.0.1:${ports.postgres}/postgres`,
    },
    dir,
    async stop() {
      await postgres?.stop();
      await stack?.stop();
    },
  };
}

/** A new, empty database on the bench PostgreSQL server (dropped first if an earlier run left it). */
export async function createBenchDatabase(name: string): Promise<string> {
  const adminUrl = process.env.BENCH_POSTGRES_ADMIN_URL;
  if (!adminUrl) throw new Error('BENCH_POSTGRES_ADMIN_URL is not set: run this through `npm run bench`');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Runs `measure` on each database kind named in BENCH_DATABASES (default both): an in-memory PGlite, and a new
 * database on the bench PostgreSQL server when `npm run bench` provides one (skipped, and said so, otherwise).
 */
export async function onEachDatabase(name: string, log: (m: string) => void, measure: (kind: 'PGlite' | 'PostgreSQL', db: Database) => Promise<void>): Promise<void> {
  const kinds = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',');
  if (kinds.includes('pglite')) {
    const db = await openPgliteDatabase(undefined);
    try {
      await measure('PGlite', db);
    } finally {
      await db.close();
    }
  }
  if (!kinds.includes('postgres')) return;
  if (!process.env.BENCH_POSTGRES_ADMIN_URL) {
    log('PostgreSQL skipped: BENCH_POSTGRES_ADMIN_URL is not set (npm run bench sets it)');
    return;
  }
  const db = await openPostgresDatabase(await createBenchDatabase(name));
  try {
    await measure('PostgreSQL', db);
  } finally {
    await db.close();
  }
}

/** Runs `count` calls of `fn`, `concurrency` at a time (closed loop); returns each call's duration in ms. */
export async function timed(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const started = performance.now();
        await fn(i);
        durations.push(performance.now() - started);
      }
    }),
  );
  return durations;
}

/** Runs a benchmark script's main and exits (clients and stopped servers may leave handles open). */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** A random encryption key ring for one run, shared by the roles and the script's own client. */
export const benchEncryptionKeys = () => `bench:${randomBytes(32).toString('base64')}`;

/** A Candor role in its own process. */
export interface RoleProcess {
  role: string;
  pid: number;
  logFile: string;
  process: ManagedProcess;
  rssMiB(): number;
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const roleNodeArgs = (role: 'api' | 'ingest' | 'worker'): string[] => {
  const args = role === 'worker' ? process.env.BENCH_ROLE_NODE_ARGS : process.env[`BENCH_${role.toUpperCase()}_NODE_ARGS`];
  return args ? args.split(' ') : [];
};

/**
 * Starts `node --import tsx services/main.ts` with CANDOR_ROLE=`role` and the given environment (merged
 * over a quiet default) and resolves once it logged "candor started". Its output goes to `logFile`.
 */
export async function startRole(role: 'api' | 'ingest' | 'worker', env: Record<string, string>, logFile: string, timeoutMs = 180_000): Promise<RoleProcess> {
  const proc = startProcess({
    name: `candor-${role}`,
    command: process.execPath,
    // BENCH_ROLE_NODE_ARGS: node options for the worker role, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it;
    // BENCH_INGEST_NODE_ARGS / BENCH_API_NODE_ARGS: the same for the other roles.
    args: [...roleNodeArgs(role), ...WORKER_NODE_ARGS, '--import', 'tsx', join(ROOT, 'services', 'main.ts')],
    cwd: ROOT,
    logFile,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: 'info', ...env, CANDOR_ROLE: role },
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(logFile) && readFileSync(logFile, 'utf8').includes('"candor started"')) break;
    if (proc.hasExited()) throw new Error(`the ${role} role exited while starting:\n${tail(logFile, 30)}`);
    if (Date.now() > deadline) {
      await proc.stop(5000);
      throw new Error(`the ${role} role did not start within ${timeoutMs / 1000} s:\n${tail(logFile, 30)}`);
    }
    await sleep(250);
  }
  return {
    role,
    pid: proc.pid,
    logFile,
    process: proc,
    rssMiB: () => rssMiB(proc.pid),
    cpuSeconds: () => cpuSeconds(proc.pid),
    stop: () => proc.stop(30_000),
  };
}

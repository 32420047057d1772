import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLeftovers, adoptProcess, writePidFile, type ManagedProcess } from '../stack';
import { resolveTemporalServer } from './install';
import { createReplicatedTopics, kafkaNodes } from './kafka';
import type { ClusterNode } from './node';
import { CLUSTER_DATABASES, postgresNode, type PostgresNode } from './postgres';
import { roleNode, type RoleEnvironment } from './roles';
import { applySchemas, temporalServerNode, type TemporalPorts } from './temporal';

export type { ClusterNode } from './node';
export { resolveTemporalServer, TEMPORAL_SERVER_VERSION } from './install';
export { offPreferredLeader, REPLICATION, underReplicated } from './kafka';
export { getJson } from './roles';

/** Every port of a cluster, laid out from one base port (README "Cluster" lists them). */
export function clusterPorts(base: number) {
  const temporal: TemporalPorts = {
    frontend: base + 10, frontendMembership: base + 11, frontendHttp: base + 12, history: base + 13, historyMembership: base + 14,
    matching: base + 15, matchingMembership: base + 16, worker: base + 17, workerMembership: base + 18,
  };
  return {
    postgres: base,
    kafka: [1, 2, 3].map((id) => ({ id, port: base + id, controllerPort: base + 3 + id })),
    temporal,
    api: base + 20,
    /** The i-th ingest process's health port (up to 4). */
    ingest: (i: number) => base + 21 + i,
    /** The i-th worker process's health port (up to 4). */
    worker: (i: number) => base + 25 + i,
  };
}

export interface ClusterOptions {
  /** State (databases, broker logs, role folders) and logs live here. */
  dir: string;
  basePort: number;
  ingestCount?: number;
  workerCount?: number;
  /** Temporal history shards (fixed once the database exists). */
  historyShards?: number;
  namespace?: string;
  /** More variables for every Candor process (LOG_LEVEL, TEMPORAL_TASK_QUEUE …). */
  roleEnv?: Record<string, string>;
  log?: (m: string) => void;
}

export type RoleNode = ReturnType<typeof roleNode>;

/** A running cluster. Its nodes can be killed, stopped and started one by one; `stop()` stops all of them. */
export interface Cluster {
  postgres: PostgresNode;
  kafka: ClusterNode[];
  temporal: ClusterNode;
  api: RoleNode;
  ingest: RoleNode[];
  workers: RoleNode[];
  /** Every node, servers first. */
  nodes(): ClusterNode[];
  brokers: string[];
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  apiUrl: string;
  /** A role process beyond the ones started (a third worker, …), not started yet. */
  addRole(kind: 'ingest' | 'worker'): RoleNode;
  /** Writes the pid file (call after starting a node by hand, so a later run can stop what a killed one left). */
  recordPids(): void;
  stop(): Promise<void>;
}

/** The payload encryption key every role of the cluster shares (generated once, kept in `<dir>/encryption-keys`). */
function clusterKeys(dir: string): string {
  const file = join(dir, 'encryption-keys');
  if (!existsSync(file)) writeFileSync(file, `cluster:${randomBytes(32).toString('base64')}`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * Starts the production shape on this machine: PostgreSQL, three Kafka nodes with replicated topics, the
 * Temporal server on PostgreSQL (schemas, namespace and search attributes set up), then Candor's api, ingest
 * and worker processes. Servers a killed earlier run left behind (pid file) are stopped first.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const log = options.log ?? (() => undefined);
  const logDir = join(options.dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const pidFile = join(options.dir, 'cluster.pids.json');
  for (const leftover of readLeftovers(pidFile)) {
    log(`Stopping ${leftover.name} (pid ${leftover.pid}) left running by an earlier run …`);
    await adoptProcess(leftover).stop(20_000);
  }
  rmSync(pidFile, { force: true });

  const ports = clusterPorts(options.basePort);
  const namespace = options.namespace ?? 'default';
  const binaries = await resolveTemporalServer(log);
  const postgres = postgresNode({ dir: join(options.dir, 'postgres'), port: ports.postgres, logDir, log });
  const kafka = kafkaNodes({ dir: join(options.dir, 'kafka'), logDir, specs: ports.kafka, log });
  const brokers = kafka.map((k) => k.address);
  const temporal = temporalServerNode({ binaries, dir: join(options.dir, 'temporal'), logDir, ports: ports.temporal, postgresPort: ports.postgres, historyShards: options.historyShards ?? 4, namespace });
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const env: RoleEnvironment = {
    temporalAddress: temporal.address,
    namespace,
    kafkaBrokers: brokers,
    databaseUrl: postgres.url(CLUSTER_DATABASES.candor),
    encryptionKeys: clusterKeys(options.dir),
    publicUrl: `http://localhost:${ports.api}`,
    extra: options.roleEnv,
  };
  const rolesDir = join(options.dir, 'roles');
  const counts = { ingest: 0, worker: 0 };
  const makeRole = (kind: 'ingest' | 'worker') => {
    const i = counts[kind]++;
    return roleNode({ name: `${kind}-${i + 1}`, kind, port: kind === 'ingest' ? ports.ingest(i) : ports.worker(i), dir: rolesDir, logDir, env });
  };
  const api = roleNode({ name: 'api', kind: 'api', port: ports.api, dir: rolesDir, logDir, env });
  const ingest = Array.from({ length: options.ingestCount ?? 2 }, () => makeRole('ingest'));
  const workers = Array.from({ length: options.workerCount ?? 2 }, () => makeRole('worker'));
  const extra: RoleNode[] = [];

  const nodes = () => [postgres, ...kafka, temporal, api, ...ingest, ...workers, ...extra];
  // Every start (the first, or one after a kill or stop) updates the pid file, so a run killed later leaves nothing behind.
  const track = (node: ClusterNode) => {
    const start = node.start.bind(node);
    node.start = async () => {
      await start();
      recordPids();
    };
  };
  for (const node of nodes()) track(node);
  const recordPids = () => writePidFile(pidFile, [...nodes()].reverse().map((n) => n.current()).filter((p): p is ManagedProcess => p !== undefined && !p.hasExited()));
  const stopAll = async () => {
    // Roles first (they finish what they hold), then Temporal and Kafka, PostgreSQL last.
    await Promise.all([api, ...ingest, ...workers, ...extra].map((n) => n.stop().catch(() => undefined)));
    await Promise.all([temporal, ...kafka].map((n) => n.stop().catch(() => undefined)));
    await postgres.stop().catch(() => undefined);
    rmSync(pidFile, { force: true });
  };
  const step = async (what: string, run: () => Promise<unknown>) => {
    const started = Date.now();
    await run();
    recordPids();
    log(`${what} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  try {
    await Promise.all([
      step('Kafka (3 nodes, replicated topics)', async () => {
        await Promise.all(kafka.map((k) => k.start()));
        await createReplicatedTopics(brokers);
      }),
      step('PostgreSQL and the Temporal server', async () => {
        await postgres.start();
        applySchemas({ binaries, postgresPort: ports.postgres }, log);
        await temporal.start();
      }),
    ]);
    // The api first: it migrates Candor's database, which the other roles then find done.
    await step('api', () => api.start());
    await step(`ingest ×${ingest.length}, worker ×${workers.length}`, () => Promise.all([...ingest, ...workers].map((n) => n.start())));
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    postgres, kafka, temporal, api, ingest, workers, nodes, brokers, namespace, apiUrl, recordPids,
    temporalAddress: temporal.address,
    databaseUrl: env.databaseUrl,
    addRole(kind) {
      const node = makeRole(kind);
      track(node);
      extra.push(node);
      return node;
    },
    stop: stopAll,
  };
}

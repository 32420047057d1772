import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { stringify } from 'yaml';
import { assertPortFree, SEARCH_ATTRIBUTES, StackError, startProcess, waitUntilReady } from '../stack';
import type { TemporalServerBinaries } from './install';
import { processNode, type ClusterNode } from './node';
import { CLUSTER_DATABASES, CLUSTER_DB_USER } from './postgres';

/** The Temporal server's ports: gRPC and membership of each of its four services, and the frontend's HTTP API. */
export interface TemporalPorts {
  frontend: number;
  frontendMembership: number;
  frontendHttp: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

export interface TemporalServerOptions {
  binaries: TemporalServerBinaries;
  dir: string;
  logDir: string;
  ports: TemporalPorts;
  postgresPort: number;
  /** History shards: fixed for the life of the database (README "Cluster"). */
  historyShards: number;
  namespace: string;
}

function serverConfig(options: TemporalServerOptions, dynamicConfigFile: string): string {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${options.postgresPort}`,
      connectProtocol: 'tcp',
      user: CLUSTER_DB_USER,
      password: '',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra: Record<string, number> = {}) => ({ rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra } });
  const p = options.ports;
  return stringify({
    log: { stdout: true, level: 'warn', format: 'json' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: options.historyShards,
      datastores: { 'postgres-default': store(CLUSTER_DATABASES.temporal, 20), 'postgres-visibility': store(CLUSTER_DATABASES.visibility, 5) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: rpc(p.frontend, p.frontendMembership, { httpPort: p.frontendHttp }),
      history: rpc(p.history, p.historyMembership),
      matching: rpc(p.matching, p.matchingMembership),
      worker: rpc(p.worker, p.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${p.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  });
}

/** Settings read at run time: search attributes registered a moment ago are usable at once (as on the dev server). */
const DYNAMIC_CONFIG = {
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true, constraints: {} }],
  'limit.maxIDLength': [{ value: 255, constraints: {} }],
};

/** Applies (or brings up to date) Temporal's schemas in its two databases with the SQL tool; idempotent. */
export function applySchemas(options: Pick<TemporalServerOptions, 'binaries' | 'postgresPort'>, log: (m: string) => void = () => undefined): void {
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(options.postgresPort), '-u', CLUSTER_DB_USER, '--pw', ''];
  const tool = (database: string, args: string[], what: string, allowFailure = false) => {
    const result = spawnSync(options.binaries.sqlTool, [...base, '--db', database, ...args], { encoding: 'utf8' });
    if (result.status !== 0 && !allowFailure) throw new StackError(`${what} failed:\n${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-10).join('\n')}`);
    return result.status === 0;
  };
  for (const [database, schema] of [[CLUSTER_DATABASES.temporal, 'temporal'], [CLUSTER_DATABASES.visibility, 'visibility']] as const) {
    // setup-schema creates the version table (once; a second run finds it and fails harmlessly), update-schema
    // applies every versioned step the binary embeds that the database lacks.
    tool(database, ['setup-schema', '-v', '0.0'], `Setting up the ${schema} schema`, true);
    log(`Temporal ${schema} schema: applying postgresql/v12/${schema} …`);
    tool(database, ['update-schema', '--schema-name', `postgresql/v12/${schema}`], `Updating the ${schema} schema`);
  }
}

/** Registers `namespace` and Candor's search attributes on it, each only when missing. */
export async function registerNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 5000 });
  try {
    const exists = await connection.workflowService.describeNamespace({ namespace }).then(() => true, () => false);
    if (!exists) {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') });
    }
    const type = temporal.api.enums.v1.IndexedValueType;
    const wanted: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
    for (const [name, kind] of Object.entries(SEARCH_ATTRIBUTES)) wanted[name] = kind === 'Keyword' ? type.INDEXED_VALUE_TYPE_KEYWORD : type.INDEXED_VALUE_TYPE_DATETIME;
    // A namespace registered a moment ago reaches the frontend's cache within seconds: until then this fails.
    await waitUntilReady({
      what: `Temporal namespace ${namespace}`,
      timeoutMs: 60_000,
      probe: async () => {
        const have = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = Object.fromEntries(Object.entries(wanted).filter(([name]) => !have.customAttributes?.[name]));
        if (Object.keys(missing).length > 0) await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
        await connection.workflowService.countWorkflowExecutions({ namespace, query: `CandorTenant = 'probe'` });
        return true;
      },
    });
  } finally {
    await connection.close();
  }
}

/** The Temporal server (all four services in one process) on PostgreSQL; ready when its frontend answers. */
export function temporalServerNode(options: TemporalServerOptions): ClusterNode {
  const address = `127.0.0.1:${options.ports.frontend}`;
  return processNode({
    name: 'temporal',
    kind: 'temporal',
    address,
    graceMs: 20_000,
    async launch() {
      for (const [what, port] of Object.entries(options.ports) as [string, number][]) await assertPortFree(port, `Temporal ${what}`);
      mkdirSync(options.dir, { recursive: true });
      const dynamic = join(options.dir, 'dynamicconfig.yaml');
      writeFileSync(dynamic, stringify(DYNAMIC_CONFIG));
      const configFile = join(options.dir, 'config.yaml');
      writeFileSync(configFile, serverConfig(options, dynamic));
      const proc = startProcess({
        name: 'temporal',
        command: options.binaries.server,
        args: ['--config-file', configFile, '--allow-no-auth', 'start'],
        cwd: options.dir,
        logFile: join(options.logDir, 'temporal-server.log'),
      });
      try {
        const probe = async () => {
          const connection = await Connection.connect({ address, connectTimeout: 2000 });
          try {
            await connection.workflowService.getSystemInfo({});
            return true;
          } finally {
            await connection.close();
          }
        };
        await waitUntilReady({ what: 'Temporal server', probe, process: proc, timeoutMs: 120_000 });
        await registerNamespace(address, options.namespace);
      } catch (error) {
        await proc.stop(5000);
        throw error;
      }
      return proc;
    },
  });
}

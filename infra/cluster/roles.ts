import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertPortFree, ROOT, startProcess, waitUntilReady } from '../stack';
import { WORKER_NODE_ARGS } from '../../core/temporal/workflow-code';
import { processNode, type ClusterNode } from './node';

/** What every Candor process of the cluster is told (the same for all roles). */
export interface RoleEnvironment {
  temporalAddress: string;
  namespace: string;
  kafkaBrokers: string[];
  databaseUrl: string;
  encryptionKeys: string;
  publicUrl: string;
  /** More variables (LOG_LEVEL, a task queue, a demo key, providers …). */
  extra?: Record<string, string>;
}

/** GET `url`; resolves with the status and body (an unreachable process rejects). */
export async function getJson(url: string, timeoutMs = 5000): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

/**
 * One Candor role in its own process (`node --import tsx services/main.ts`, CANDOR_ROLE=`kind`): the api on
 * `port` (HTTP_PORT), ingest and worker with /healthz and /readyz on `port` (HEALTH_PORT). Ready when its
 * /readyz answers 200.
 */
export function roleNode(options: { name: string; kind: 'api' | 'ingest' | 'worker'; port: number; dir: string; logDir: string; env: RoleEnvironment }): ClusterNode & { readyzUrl: string; dataDir: string } {
  const readyzUrl = `http://127.0.0.1:${options.port}/readyz`;
  const dataDir = join(options.dir, options.name);
  const node = processNode({
    name: options.name,
    kind: options.kind,
    address: `http://127.0.0.1:${options.port}`,
    // A worker finishes the tasks it holds (SHUTDOWN_GRACE_MS, 25 s by default) before it exits.
    graceMs: 35_000,
    async launch() {
      await assertPortFree(options.port, `${options.name} ${options.kind === 'api' ? 'HTTP' : 'health'} port`);
      mkdirSync(dataDir, { recursive: true });
      const e = options.env;
      const proc = startProcess({
        name: options.name,
        command: process.execPath,
        args: [...WORKER_NODE_ARGS, '--import', 'tsx', 'services/main.ts'],
        cwd: ROOT,
        logFile: join(options.logDir, `${options.name}.log`),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          CANDOR_ROLE: options.kind,
          TEMPORAL_ADDRESS: e.temporalAddress,
          TEMPORAL_NAMESPACE: e.namespace,
          KAFKA_BROKERS: e.kafkaBrokers.join(','),
          KAFKA_CLIENT_ID: `candor-${options.name}`,
          DATABASE_URL: e.databaseUrl,
          CANDOR_DATA_DIR: dataDir,
          CANDOR_ENCRYPTION_KEYS: e.encryptionKeys,
          PUBLIC_URL: e.publicUrl,
          HTTP_HOST: '127.0.0.1',
          ...(options.kind === 'api' ? { HTTP_PORT: String(options.port) } : { HEALTH_PORT: String(options.port) }),
          ...e.extra,
        },
      });
      try {
        await waitUntilReady({ what: options.name, process: proc, timeoutMs: 180_000, probe: async () => (await getJson(readyzUrl, 4000)).status === 200 });
      } catch (error) {
        await proc.stop(5000);
        throw error;
      }
      return proc;
    },
  });
  return Object.assign(node, { readyzUrl, dataDir });
}

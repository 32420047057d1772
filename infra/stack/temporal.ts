import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { assertPortFree, startProcess, waitUntilReady, type ManagedProcess } from './process';
import { resolveTemporalCli } from './tools';

/** Custom search attributes Candor's journeys set; the dev server registers them at start. */
export const SEARCH_ATTRIBUTES = {
  CandorTenant: 'Keyword',
  CandorStage: 'Keyword',
  CandorWaitingSince: 'Datetime',
} as const;

/** Options for a local Temporal dev server. */
export interface TemporalDevServerOptions {
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; undefined keeps everything in memory. */
  dbFile: string | undefined;
  logDir: string;
  namespace?: string;
  /** Keep running when the starting process dies (the local stack's servers); a later start adopts it. */
  survivesParent?: boolean;
  log?: (message: string) => void;
}

/** A running dev server. */
export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Probes Temporal with real gRPC calls: the health check and the namespace description. */
export async function isTemporalReady(address: string, namespace = 'default'): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}

/** Starts `temporal server start-dev` and resolves once it answers gRPC. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const namespace = options.namespace ?? 'default';
  await assertPortFree(options.port, 'Temporal gRPC');
  await assertPortFree(options.uiPort, 'Temporal web UI');
  const cli = await resolveTemporalCli(options.log);
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--namespace', namespace,
    '--log-level', 'warn',
    '--log-format', 'json',
    // One partition per task queue instead of the dev server's 4: a single-process server gains nothing from spreading a
    // queue, and a burst's backlog drains faster from one (README "Performance": bare journeys 47-51/s with 4, 66-71/s with 1).
    '--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1',
  ];
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  const proc = startProcess({ name: 'temporal', command: cli.path, args, logFile: join(options.logDir, 'temporal.log'), survivesParent: options.survivesParent });
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntilReady({ what: 'Temporal dev server', probe: () => isTemporalReady(address, namespace), process: proc, timeoutMs: 60_000 });
  } catch (error) {
    await proc.stop(2000);
    throw error;
  }
  return { address, uiUrl: `http://localhost:${options.uiPort}`, process: proc, stop: () => proc.stop() };
}

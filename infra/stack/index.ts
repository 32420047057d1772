import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTopics, isKafkaReady, startKafkaBroker } from './kafka';
import { adoptProcess, isPortInUse, readLeftovers, writePidFile, type ManagedProcess } from './process';
import { supervise, type Supervised } from './supervise';
import { isTemporalReady, startTemporalDevServer } from './temporal';

export * from './paths';
export * from './process';
export * from './tools';
export * from './temporal';
export * from './kafka';
export * from './supervise';

/** Ports and folders of one local stack; `npm start` and `npm test` use different ones so they can run side by side. */
export interface LocalStackOptions {
  dataDir: string;
  temporalPort: number;
  temporalUiPort: number;
  /** Keep Temporal's state in a file under dataDir (journeys survive a restart). */
  persistTemporal: boolean;
  kafkaPort: number;
  kafkaControllerPort: number;
  /**
   * Use servers that already answer instead of failing: ones an earlier run of this stack left behind
   * (adopted: supervised and stopped like ours) and ones someone else runs (used, never stopped).
   * Without it, servers an earlier run left behind are stopped first.
   */
  reuseRunning?: boolean;
  log?: (message: string) => void;
}

/** The running local stack. `stop()` stops what this call started (or adopted) and nothing else. */
export interface LocalStack {
  temporal: { address: string; uiUrl: string; started: boolean };
  kafka: { brokers: string[]; started: boolean };
  /** The servers this stack supervises: a server that dies is started again with backoff. */
  supervised: Supervised[];
  stop(): Promise<void>;
}

/**
 * Starts Temporal and Kafka side by side and waits until both answer real requests. The servers
 * write their output to files under `<dataDir>/logs` and outlive this process; their pids are kept
 * in `<dataDir>/stack.pids.json`, so the next start can adopt (reuseRunning) or stop them.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const logDir = join(options.dataDir, 'logs');
  const pidFile = join(options.dataDir, 'stack.pids.json');
  const temporalAddress = `127.0.0.1:${options.temporalPort}`;
  const kafkaBrokers = [`127.0.0.1:${options.kafkaPort}`];
  const servers = {
    temporal: {
      probe: () => isTemporalReady(temporalAddress),
      port: options.temporalPort,
      start: async () =>
        (
          await startTemporalDevServer({
            port: options.temporalPort,
            uiPort: options.temporalUiPort,
            dbFile: options.persistTemporal ? join(options.dataDir, 'temporal', 'temporal.db') : undefined,
            logDir,
            survivesParent: true,
            log: options.log,
          })
        ).process,
      stop: (p: ManagedProcess) => p.stop(15_000),
    },
    kafka: {
      probe: async () => (await isKafkaReady(kafkaBrokers)) && (await ensureTopics(kafkaBrokers), true),
      port: options.kafkaPort,
      start: async () =>
        (
          await startKafkaBroker({ port: options.kafkaPort, controllerPort: options.kafkaControllerPort, dataDir: join(options.dataDir, 'kafka'), logDir, survivesParent: true, log: options.log })
        ).process,
      stop: (p: ManagedProcess) => p.stop(20_000),
    },
  };
  type Name = keyof typeof servers;
  const names = Object.keys(servers) as Name[];

  // An earlier run killed before it could stop its servers: adopt those that still answer, stop the rest.
  const adopted = new Map<Name, ManagedProcess>();
  for (const leftover of readLeftovers(pidFile)) {
    const name = leftover.name as Name;
    const proc = adoptProcess(leftover);
    if (options.reuseRunning && names.includes(name) && !adopted.has(name) && (await servers[name].probe().catch(() => false))) {
      options.log?.(`Using the ${name} server an earlier run left running (pid ${leftover.pid}).`);
      adopted.set(name, proc);
    } else {
      options.log?.(`Stopping ${leftover.name} (pid ${leftover.pid}) left running by an earlier run …`);
      await proc.stop(20_000);
    }
  }
  rmSync(pidFile, { force: true });
  const foreign = new Set<Name>();
  for (const name of names) {
    if (adopted.has(name) || !options.reuseRunning || !(await isPortInUse(servers[name].port))) continue;
    if (await servers[name].probe().catch(() => false)) foreign.add(name);
  }
  if (foreign.has('temporal')) options.log?.(`Using the Temporal server already running at ${temporalAddress}.`);
  if (foreign.has('kafka')) options.log?.(`Using the Kafka broker already running at ${kafkaBrokers[0]!}.`);

  const toStart = names.filter((n) => !adopted.has(n) && !foreign.has(n));
  const results = await Promise.allSettled(toStart.map((n) => servers[n].start()));
  const first = new Map<Name, ManagedProcess>(adopted);
  results.forEach((r, i) => r.status === 'fulfilled' && first.set(toStart[i]!, r.value));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all([...first].map(([n, p]) => servers[n].stop(p)));
    throw failed.reason;
  }

  const supervised: Supervised[] = [];
  const recordPids = () => writePidFile(pidFile, supervised.map((s) => s.current()));
  for (const [name, proc] of first) {
    supervised.push(supervise({ name, first: proc, start: servers[name].start, stop: servers[name].stop, onChange: recordPids, log: options.log }));
  }
  recordPids();
  return {
    temporal: { address: temporalAddress, uiUrl: `http://localhost:${options.temporalUiPort}`, started: !foreign.has('temporal') },
    kafka: { brokers: kafkaBrokers, started: !foreign.has('kafka') },
    supervised,
    async stop() {
      await Promise.all(supervised.map((s) => s.stop()));
      rmSync(pidFile, { force: true });
    },
  };
}

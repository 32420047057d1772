import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTopics, isKafkaReady, startKafkaBroker, type KafkaBroker } from './kafka';
import { isPortInUse, reapLeftovers, writePidFile } from './process';
import { isTemporalReady, startTemporalDevServer, type TemporalDevServer } from './temporal';

export * from './paths';
export * from './process';
export * from './tools';
export * from './temporal';
export * from './kafka';

/** Ports and folders of one local stack; `npm start` and `npm test` use different ones so they can run side by side. */
export interface LocalStackOptions {
  dataDir: string;
  temporalPort: number;
  temporalUiPort: number;
  /** Keep Temporal's state in a file under dataDir (journeys survive a restart). */
  persistTemporal: boolean;
  kafkaPort: number;
  kafkaControllerPort: number;
  /** When a port already answers as Temporal or Kafka, use that server instead of failing (it is not stopped). */
  reuseRunning?: boolean;
  log?: (message: string) => void;
}

/** The running local stack. `stop()` stops what this call started and nothing else. */
export interface LocalStack {
  temporal: { address: string; uiUrl: string; started: boolean };
  kafka: { brokers: string[]; started: boolean };
  stop(): Promise<void>;
}

async function reusable(options: LocalStackOptions, port: number, probe: () => Promise<boolean>): Promise<boolean> {
  if (!options.reuseRunning || !(await isPortInUse(port))) return false;
  return probe().catch(() => false);
}

/** Starts Temporal and Kafka side by side and waits until both answer real requests. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const logDir = join(options.dataDir, 'logs');
  const pidFile = join(options.dataDir, 'stack.pids.json');
  await reapLeftovers(pidFile, options.log);
  const temporalAddress = `127.0.0.1:${options.temporalPort}`;
  const kafkaBrokers = [`127.0.0.1:${options.kafkaPort}`];
  const reuseTemporal = await reusable(options, options.temporalPort, () => isTemporalReady(temporalAddress));
  const reuseKafka = await reusable(options, options.kafkaPort, async () => (await isKafkaReady(kafkaBrokers)) && (await ensureTopics(kafkaBrokers), true));
  if (reuseTemporal) options.log?.(`Using the Temporal server already running at ${temporalAddress}.`);
  if (reuseKafka) options.log?.(`Using the Kafka broker already running at ${kafkaBrokers[0]!}.`);
  const [temporal, kafka] = await Promise.allSettled([
    reuseTemporal ? Promise.resolve(undefined) : startTemporalDevServer({
      port: options.temporalPort,
      uiPort: options.temporalUiPort,
      dbFile: options.persistTemporal ? join(options.dataDir, 'temporal', 'temporal.db') : undefined,
      logDir,
      log: options.log,
    }),
    reuseKafka ? Promise.resolve(undefined) : startKafkaBroker({ port: options.kafkaPort, controllerPort: options.kafkaControllerPort, dataDir: join(options.dataDir, 'kafka'), logDir, log: options.log }),
  ]);
  if (temporal.status === 'rejected' || kafka.status === 'rejected') {
    if (temporal.status === 'fulfilled') await temporal.value?.stop();
    if (kafka.status === 'fulfilled') await kafka.value?.stop();
    throw temporal.status === 'rejected' ? temporal.reason : (kafka as PromiseRejectedResult).reason;
  }
  const started = [temporal.value, kafka.value].filter((s): s is TemporalDevServer | KafkaBroker => s !== undefined);
  writePidFile(pidFile, started.map((s) => s.process));
  return {
    temporal: { address: temporalAddress, uiUrl: `http://localhost:${options.temporalUiPort}`, started: !reuseTemporal },
    kafka: { brokers: kafkaBrokers, started: !reuseKafka },
    async stop() {
      await Promise.all(started.map((s) => s.stop()));
      rmSync(pidFile, { force: true });
    },
  };
}

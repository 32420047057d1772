import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { TOPIC_ATS_DLQ, TOPIC_ATS_EVENTS, TOPIC_JOURNEY_EVENTS } from '../../core/kafka/topics';
import { ROOT } from './paths';
import { assertPortFree, startProcess, waitUntilReady, type ManagedProcess } from './process';
import { requireJava17, resolveKafkaLibs } from './tools';

const DAY_MS = 86_400_000;
/**
 * How long each topic keeps a record, set explicitly (not the broker's default): `ats.events` and its
 * dead-letter topic carry candidates' names and addresses, so an erased candidate's raw events are gone
 * from them within this bound (README "Erasure"). Ingest reads within seconds; 3 days outlast a weekend outage.
 * Kafka deletes whole segments, so segments roll daily (segment.ms): a record is gone at most a day after its
 * retention ended, not when a quiet topic's week-long default segment finally rolls.
 */
export const TOPIC_RETENTION_MS = { [TOPIC_ATS_EVENTS]: 3 * DAY_MS, [TOPIC_ATS_DLQ]: 7 * DAY_MS, [TOPIC_JOURNEY_EVENTS]: 7 * DAY_MS } as const;

/** The topics of Candor's contract (docs/architecture.md), with their local partition counts and retention. */
export const TOPICS = ([
  { topic: TOPIC_ATS_EVENTS, numPartitions: 6 },
  { topic: TOPIC_ATS_DLQ, numPartitions: 1 },
  { topic: TOPIC_JOURNEY_EVENTS, numPartitions: 6 },
] as const).map((t) => ({ ...t, configEntries: [
    { name: 'retention.ms', value: String(TOPIC_RETENTION_MS[t.topic]) },
    { name: 'segment.ms', value: String(DAY_MS) },
  ] }));

/** Options for a local single-node KRaft broker. */
export interface KafkaBrokerOptions {
  port: number;
  controllerPort: number;
  /** Broker storage; formatted once and reused on the next start. */
  dataDir: string;
  logDir: string;
  heapMb?: number;
  /** Keep running when the starting process dies (the local stack's servers); a later start adopts it. */
  survivesParent?: boolean;
  log?: (message: string) => void;
}

/** A running broker. */
export interface KafkaBroker {
  brokers: string[];
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * A Kafka cluster id: 16 random bytes in URL-safe base64 without padding, as `kafka-storage random-uuid`
 * prints. Like Kafka's own Uuid.randomUuid, an id starting with '-' is drawn again: the storage tool's
 * argument parser would read it as an option (1 start in 64 failed before this).
 */
export function clusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(options: KafkaBrokerOptions): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${options.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${options.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(options.dataDir, 'kraft')}`,
    'num.partitions=6',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // A lone local broker has no reason to wait for more group members before the first rebalance.
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

/** Probes the broker with a real metadata request. */
export async function isKafkaReady(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({ clientId: 'candor-probe', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await admin.disconnect();
  }
}

/** Creates the contract's topics that do not exist yet. */
export async function ensureTopics(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'candor-setup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = TOPICS.filter((t) => !existing.has(t.topic)).map((t) => ({ ...t, replicationFactor: 1 }));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    // Topics created before retention was set explicitly get it now (their only dynamic setting).
    const present = TOPICS.filter((t) => existing.has(t.topic));
    if (present.length > 0) {
      await admin.alterConfigs({ validateOnly: false, resources: present.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.topic, configEntries: t.configEntries })) });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Starts a single-node KRaft broker (formatting its storage on first use) and creates the topics. */
export async function startKafkaBroker(options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const java = requireJava17();
  await assertPortFree(options.port, 'Kafka');
  await assertPortFree(options.controllerPort, 'Kafka controller');
  const libs = await resolveKafkaLibs(options.log);
  mkdirSync(options.dataDir, { recursive: true });
  const propsFile = join(options.dataDir, 'server.properties');
  writeFileSync(propsFile, serverProperties(options));
  const classpath = join(libs.path, '*');
  const log4j = `-Dlog4j.configuration=file:${join(ROOT, 'infra', 'kafka', 'log4j.properties')}`;
  const logsDir = join(options.logDir, 'kafka');
  mkdirSync(logsDir, { recursive: true });
  if (!existsSync(join(options.dataDir, 'kraft', 'meta.properties'))) {
    const format = startProcess({
      name: 'kafka-storage-format',
      command: java,
      args: [log4j, `-Dkafka.logs.dir=${logsDir}`, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propsFile],
      logFile: join(logsDir, 'format.log'),
    });
    const code = await format.exited;
    if (code !== 0) throw new Error(`Formatting Kafka storage failed (exit ${String(code)}); see ${format.logFile}`);
  }
  const heap = options.heapMb ?? 512;
  const proc = startProcess({
    name: 'kafka',
    command: java,
    args: [
      `-Xms${Math.min(256, heap)}m`, `-Xmx${heap}m`,
      '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true',
      log4j, `-Dkafka.logs.dir=${logsDir}`,
      '-cp', classpath, 'kafka.Kafka', propsFile,
    ],
    logFile: join(logsDir, 'stdout.log'),
    survivesParent: options.survivesParent,
  });
  const brokers = [`127.0.0.1:${options.port}`];
  try {
    await waitUntilReady({ what: 'Kafka broker', probe: () => isKafkaReady(brokers), process: proc, timeoutMs: 90_000 });
    await ensureTopics(brokers);
  } catch (error) {
    await proc.stop(5000);
    throw error;
  }
  return { brokers, process: proc, stop: () => proc.stop(20_000) };
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { assertPortFree, clusterId, isKafkaReady, requireJava17, resolveKafkaLibs, ROOT, startProcess, TOPICS, waitUntilReady } from '../stack';
import { processNode, type ClusterNode } from './node';

/** Replication of the cluster's topics: every partition on all three nodes, a write acknowledged by two. */
export const REPLICATION = { factor: 3, minInsync: 2 } as const;

/** One KRaft node of the three: a broker and a controller voter in one JVM. */
export interface KafkaNodeSpec {
  id: number;
  port: number;
  controllerPort: number;
}

function properties(node: KafkaNodeSpec, all: KafkaNodeSpec[], dataDir: string): string {
  return [
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.voters=${all.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dataDir, 'kraft')}`,
    'num.partitions=6',
    `default.replication.factor=${REPLICATION.factor}`,
    `min.insync.replicas=${REPLICATION.minInsync}`,
    // Consumer offsets and producer ids (idempotent producers) are replicated like the data.
    `offsets.topic.replication.factor=${REPLICATION.factor}`,
    'offsets.topic.num.partitions=6',
    `transaction.state.log.replication.factor=${REPLICATION.factor}`,
    `transaction.state.log.min.isr=${REPLICATION.minInsync}`,
    'unclean.leader.election.enable=false',
    'group.initial.rebalance.delay.ms=0',
    // A restarted node gets back the leadership of its preferred partitions (and with __consumer_offsets the group
    // coordinators) within seconds instead of the default 5 minutes, so a broker restart's last step, the coordinator
    // moving back, happens while the restart is watched rather than minutes later in the middle of something else.
    'leader.imbalance.check.interval.seconds=10',
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

/**
 * Three Kafka nodes from the jars `npm start` uses, formatted once with one cluster id (kept in
 * `<dir>/cluster-id`). `createTopics` makes the contract's topics with replication factor 3.
 */
export function kafkaNodes(options: { dir: string; logDir: string; specs: KafkaNodeSpec[]; heapMb?: number; log?: (m: string) => void }): ClusterNode[] {
  return options.specs.map((spec) => {
    const dataDir = join(options.dir, `node-${spec.id}`);
    const logsDir = join(options.logDir, `kafka-${spec.id}`);
    return processNode({
      name: `kafka-${spec.id}`,
      kind: 'kafka',
      address: `127.0.0.1:${spec.port}`,
      graceMs: 30_000,
      async launch() {
        const java = requireJava17();
        await assertPortFree(spec.port, `Kafka node ${spec.id}`);
        await assertPortFree(spec.controllerPort, `Kafka controller ${spec.id}`);
        const libs = await resolveKafkaLibs(options.log);
        mkdirSync(dataDir, { recursive: true });
        mkdirSync(logsDir, { recursive: true });
        const idFile = join(options.dir, 'cluster-id');
        if (!existsSync(idFile)) writeFileSync(idFile, clusterId());
        const propsFile = join(dataDir, 'server.properties');
        writeFileSync(propsFile, properties(spec, options.specs, dataDir));
        const classpath = join(libs.path, '*');
        const log4j = `-Dlog4j.configuration=file:${join(ROOT, 'infra', 'kafka', 'log4j.properties')}`;
        if (!existsSync(join(dataDir, 'kraft', 'meta.properties'))) {
          const format = startProcess({
            name: `kafka-${spec.id}-format`,
            command: java,
            args: [log4j, `-Dkafka.logs.dir=${logsDir}`, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', readFileSync(idFile, 'utf8').trim(), '-c', propsFile],
            logFile: join(logsDir, 'format.log'),
          });
          const code = await format.exited;
          if (code !== 0) throw new Error(`Formatting Kafka node ${spec.id} failed (exit ${String(code)}); see ${format.logFile}`);
        }
        const heap = options.heapMb ?? 384;
        const proc = startProcess({
          name: `kafka-${spec.id}`,
          command: java,
          args: [
            `-Xms${Math.min(128, heap)}m`, `-Xmx${heap}m`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true',
            log4j, `-Dkafka.logs.dir=${logsDir}`, '-cp', classpath, 'kafka.Kafka', propsFile,
          ],
          logFile: join(logsDir, 'stdout.log'),
        });
        try {
          // A node answers metadata once it has joined the quorum (a lone first node waits for a second).
          await waitUntilReady({ what: `Kafka node ${spec.id}`, probe: () => isKafkaReady([`127.0.0.1:${spec.port}`]), process: proc, timeoutMs: 120_000 });
        } catch (error) {
          await proc.stop(5000);
          throw error;
        }
        return proc;
      },
    });
  });
}

/** The contract's topics with replication factor 3 and min.insync.replicas 2 (those missing are created). */
export async function createReplicatedTopics(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'candor-cluster-setup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const withIsr = TOPICS.map((t) => ({ ...t, configEntries: [...t.configEntries, { name: 'min.insync.replicas', value: String(REPLICATION.minInsync) }] }));
    const missing = withIsr.filter((t) => !existing.has(t.topic)).map((t) => ({ ...t, replicationFactor: REPLICATION.factor }));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: false });
    // kafkajs' own wait asks one broker, which may not have heard of a new topic yet: ask until every
    // partition has a leader and all three replicas in sync.
    await waitUntilReady({
      what: 'the replicated topics',
      timeoutMs: 60_000,
      probe: async () => {
        const metadata = await admin.fetchTopicMetadata({ topics: TOPICS.map((t) => t.topic) });
        return metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0 && p.isr.length === REPLICATION.factor));
      },
    });
    const present = withIsr.filter((t) => existing.has(t.topic));
    if (present.length > 0) {
      await admin.alterConfigs({ validateOnly: false, resources: present.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.topic, configEntries: t.configEntries })) });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Partitions (of every topic in `topics`) whose in-sync replicas are fewer than the replication factor. */
export async function underReplicated(brokers: string[], topics: string[]): Promise<number> {
  const admin = new Kafka({ clientId: 'candor-cluster-isr', brokers, logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics });
    return metadata.topics.flatMap((t) => t.partitions).filter((p) => p.isr.length < REPLICATION.factor).length;
  } finally {
    await admin.disconnect();
  }
}

/** Partitions (of every topic in `topics`) not led by their preferred replica (the first of their replicas). */
export async function offPreferredLeader(brokers: string[], topics: string[]): Promise<number> {
  const admin = new Kafka({ clientId: 'candor-cluster-leaders', brokers, logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics });
    return metadata.topics.flatMap((t) => t.partitions).filter((p) => p.leader !== p.replicas[0]).length;
  } finally {
    await admin.disconnect();
  }
}

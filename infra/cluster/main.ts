// `npm run cluster`: Candor's production shape on this machine, without Docker: PostgreSQL, three Kafka
// nodes, the Temporal server (built from source) on PostgreSQL, and Candor's roles as separate processes
// (api ×1, ingest ×2, worker ×2). A process that dies is started again; Ctrl-C stops everything it started.
// Options: --fresh (start from empty state), --base-port N (default 26000; README "Cluster" lists the ports).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DATA_DIR, ROOT, StackError, supervise, TOPICS, type Supervised } from '../stack';
import { REPLICATION, startCluster, TEMPORAL_SERVER_VERSION, type Cluster, type ClusterNode } from '.';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

async function main(): Promise<void> {
  const basePort = Number(value('--base-port') ?? 26000);
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65_000) throw new StackError(`--base-port must be a port between 1024 and 65000 (got ${String(value('--base-port'))})`);
  const dir = join(DATA_DIR, 'cluster');
  if (flag('--fresh')) rmSync(dir, { recursive: true, force: true });
  const say = (m: string) => console.log(m);
  const started = Date.now();
  say(`Starting the cluster in ${relative(ROOT, dir)} (ports from ${basePort}) …`);

  const state: { cluster?: Cluster } = {};
  const supervisors: Supervised[] = [];
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('Stopping the cluster …');
    await Promise.all(supervisors.map((s) => s.stop().catch(() => undefined)));
    await state.cluster?.stop();
    say('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const cluster = await startCluster({ dir, basePort, log: say });
  state.cluster = cluster;
  // Each process that dies is started again (1 s, doubling to 30 s), as an orchestrator would.
  const keep = (node: ClusterNode) =>
    supervise({
      name: node.name,
      first: node.current()!,
      start: async () => {
        await node.start();
        return node.current()!;
      },
      stop: () => node.stop(),
      onChange: () => cluster.recordPids(),
      log: say,
    });
  for (const node of cluster.nodes()) supervisors.push(keep(node));

  const demoKeyFile = join(cluster.api.dataDir, 'demo-api-key');
  const demoKey = existsSync(demoKeyFile) ? readFileSync(demoKeyFile, 'utf8').trim() : undefined;
  const pid = (n: ClusterNode) => `pid ${n.current()?.pid ?? '?'}`;
  say(
    [
      '',
      `The cluster is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).`,
      `  API            ${cluster.apiUrl.replace('127.0.0.1', 'localhost')}/api/v1   (console: /console, health: /healthz, /readyz)   ${pid(cluster.api)}`,
      ...cluster.ingest.map((n) => `  ${n.name.padEnd(14)} ${n.readyzUrl}   ${pid(n)}`),
      ...cluster.workers.map((n) => `  ${n.name.padEnd(14)} ${n.readyzUrl}   ${pid(n)}`),
      `  Temporal       ${cluster.temporalAddress}   server ${TEMPORAL_SERVER_VERSION} on PostgreSQL, namespace ${cluster.namespace}   ${pid(cluster.temporal)}`,
      `  Kafka          ${cluster.brokers.join(',')}   3 KRaft nodes; ${TOPICS.map((t) => t.topic).join(', ')} with replication factor ${REPLICATION.factor}, min.insync.replicas ${REPLICATION.minInsync}`,
      `  PostgreSQL     ${cluster.databaseUrl}   (Temporal: databases temporal, temporal_visibility)   ${pid(cluster.postgres)}`,
      demoKey ? `  Demo tenant    demo   API key: ${demoKey}` : '',
      `  Logs           ${relative(ROOT, join(dir, 'logs'))}/`,
      '',
      `Produce events: KAFKA_BROKERS=${cluster.brokers.join(',')} npm run events -- produce --applications 10`,
      'Press Ctrl-C to stop everything this command started.',
    ]
      .filter((l) => l !== '')
      .join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`The cluster could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

// `npm run bench -- cluster`: the acknowledgement path on the production shape (infra/cluster: Temporal
// server on PostgreSQL, three Kafka nodes, Candor's roles as processes), with 1 ingest + 1 worker, then a
// second worker, then a second ingest process, in one run. Each phase puts a backlog of new applications on
// `ats.events` at once and times until every one has its acknowledgement in the outbox (saturation), and
// reads each process's CPU over the phase from /proc. Figures: acks/s per phase, the ratios 2 workers ÷ 1
// and 2 ingest ÷ 1, and the CPU of every process at saturation (% of one core).
// Runs on its own too: node --import tsx test/benchmarks/cluster.ts (BENCH_QUICK=1 for a short run).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startCluster, type Cluster, type ClusterNode } from '../../infra/cluster';
import { DATA_DIR } from '../../infra/stack';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { createIdempotentProducer } from '../../core/kafka/client';
import { TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import { ensureTenant, openPostgresDatabase, type Database } from '../../core/store';
import { daytimeZone } from '../helpers/events';
import { groupLag } from '../cluster/cluster-harness';
import { cpuSeconds, emit, round, runScript, sleep } from './support';

const QUICK = process.env.BENCH_QUICK === '1';
const BACKLOG = Number(process.env.BENCH_CLUSTER_BACKLOG ?? (QUICK ? 200 : 800));
const TENANT = 'bench-cluster';

/** CPU seconds of a process and, for PostgreSQL, of every backend its postmaster forked. */
function processCpu(pid: number, withChildren: boolean): number {
  let total = cpuSeconds(pid);
  if (!withChildren) return total;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[1]) === pid) total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU per running node, to difference over a phase. */
function cpuByNode(nodes: ClusterNode[]): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const node of nodes) {
    const proc = node.current();
    if (proc && !proc.hasExited()) cpu.set(node.name, processCpu(proc.pid, node.kind === 'postgres'));
  }
  return cpu;
}

interface Phase {
  /** Acknowledgements per second over the phase. */
  rate: number;
  /** Events signalled per second: the backlog ÷ the time until the ingest group's lag was 0. */
  signalled: number;
  cpu: Map<string, number>;
}

async function phase(cluster: Cluster, db: Database, name: string, timeZone: string): Promise<Phase> {
  const kafka = new Kafka({ clientId: 'candor-bench-cluster', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const created = exampleData('x')['ats.application.created'];
  const ids = Array.from({ length: BACKLOG }, (_, i) => `${name}-${Date.now().toString(36)}-${i}`);
  const messages = ids.map((applicationId) => {
    const data = { ...created, application: { ...created.application, id: applicationId }, candidate: { ...created.candidate, id: `cand-${applicationId}`, timeZone } };
    return { key: `${TENANT}:${applicationId}`, value: JSON.stringify(exampleEvent('ats.application.created', { tenant: TENANT, applicationId, id: `${applicationId}-0`, data })) };
  });
  const cpuBefore = cpuByNode(cluster.nodes());
  const started = Date.now();
  for (let i = 0; i < messages.length; i += 100) await producer.send({ topic: TOPIC_ATS_EVENTS, acks: -1, messages: messages.slice(i, i + 100) });
  await producer.disconnect();
  const count = async () =>
    (await db.query<{ n: number }>("select count(*)::int as n from outbox where tenant_id = $1 and template = 'applied.ack' and application_id like $2", [TENANT, `${name}-%`])).rows[0]!.n;
  const deadline = started + 15 * 60_000;
  let drainedAt: number | undefined;
  let lastLagCheck = 0;
  for (let n = await count(); n < BACKLOG; n = await count()) {
    if (Date.now() > deadline) throw new Error(`${name}: ${n} of ${BACKLOG} acknowledged after 15 minutes`);
    if (drainedAt === undefined && Date.now() - lastLagCheck >= 1000) {
      lastLagCheck = Date.now();
      if ((await groupLag(cluster, 'candor-ingest')) === 0) drainedAt = Date.now();
    }
    await sleep(250);
  }
  const seconds = (Date.now() - started) / 1000;
  const signalled = BACKLOG / (((drainedAt ?? Date.now()) - started) / 1000);
  const cpuAfter = cpuByNode(cluster.nodes());
  const cpu = new Map([...cpuAfter].filter(([n]) => cpuBefore.has(n)).map(([n, after]) => [n, round((100 * (after - cpuBefore.get(n)!)) / seconds, 0)]));
  console.log(`${name}: ${BACKLOG} acknowledgements in ${seconds.toFixed(1)} s (all signalled after ${(BACKLOG / signalled).toFixed(1)} s); CPU (% of a core): ${[...cpu].map(([n, c]) => `${n} ${c}`).join(', ')}`);
  return { rate: BACKLOG / seconds, signalled, cpu };
}

async function main(): Promise<void> {
  const dir = join(process.env.BENCH_DATA_DIR ?? join(DATA_DIR, 'bench'), 'cluster');
  rmSync(dir, { recursive: true, force: true });
  console.log('starting the cluster (1 ingest, 1 worker) …');
  const cluster = await startCluster({
    dir,
    basePort: Number(process.env.CANDOR_CLUSTER_BASE_PORT ?? 24000 + Number(process.env.BENCH_PORT_OFFSET ?? 0)),
    ingestCount: 1,
    workerCount: 1,
    roleEnv: { LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '5000' },
    log: (m) => console.log(m),
  });
  let db: Database | undefined;
  try {
    db = await openPostgresDatabase(cluster.databaseUrl, { max: 2 });
    await ensureTenant(db, { id: TENANT, name: 'Bench cluster' });
    const timeZone = daytimeZone();
    // A warm-up so the first measured phase does not pay for cold caches (JIT, connections, the namespace).
    await phase(cluster, db, 'warm-up', timeZone);
    const one = await phase(cluster, db, 'i1-w1', timeZone);
    await cluster.addRole('worker').start();
    const twoWorkers = await phase(cluster, db, 'i1-w2', timeZone);
    await cluster.addRole('ingest').start();
    const both = await phase(cluster, db, 'i2-w2', timeZone);

    const row = (figure: string, value: number, unit: string, note?: string) => emit({ figure, value: round(value, 2), unit, goal: 'measured', pass: null, ratio: null, baseline: null, ...(note ? { note } : {}) });
    row('cluster acks/s, 1 ingest + 1 worker', one.rate, 'acks/s');
    row('cluster events signalled/s (ingest), 1 ingest', one.signalled, 'events/s');
    row('cluster events signalled/s (ingest), 2 ingest', both.signalled, 'events/s');
    row('cluster acks/s, 1 ingest + 2 workers', twoWorkers.rate, 'acks/s');
    row('cluster acks/s, 2 ingest + 2 workers', both.rate, 'acks/s');
    row('cluster: 2 workers ÷ 1 worker', twoWorkers.rate / one.rate, 'x');
    row('cluster: 2 ingest ÷ 1 ingest (2 workers)', both.rate / twoWorkers.rate, 'x');
    const total = [...both.cpu.values()].reduce((a, b) => a + b, 0);
    for (const [name, cpu] of both.cpu) row(`cluster CPU at saturation (2+2): ${name}`, cpu, '% of a core');
    row('cluster CPU at saturation (2+2): all processes', total, '% of a core', `machine: ${cpus().length} cores`);
  } finally {
    await db?.close();
    await cluster.stop();
  }
}

runScript(main);

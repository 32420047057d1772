import { rmSync } from 'node:fs';
import { offPreferredLeader, startCluster, underReplicated, type Cluster, type RoleNode } from '../../infra/cluster';
import { TOPIC_ATS_EVENTS, TOPIC_JOURNEY_EVENTS } from '../../core/kafka/topics';
import { ensureTenant, openPostgresDatabase, type Database } from '../../core/store';
import { required, unique } from '../helpers/env';
import { acknowledgements, applicationStream, groupLag, ReadinessWatch, seeded, until } from './cluster-harness';

/** Applications produced in each round; one fault lands in each round's stream. */
const PER_ROUND = 400;
/** The stream's pace (applications per second). */
const PACE = 20;
const GROUP = 'candor-ingest';

type Fault = 'kafka-broker' | 'worker' | 'ingest' | 'temporal-server' | 'postgres';

/**
 * Issue #13: Candor's production shape on real engines (PostgreSQL, three Kafka nodes with replicated
 * topics, the Temporal server on PostgreSQL, api ×1, ingest ×2 and worker ×2 as separate processes), a
 * steady stream of new applications, and in turn, each in the middle of a round's stream: SIGKILL of a
 * broker, a worker, an ingest process and the Temporal server, and a restart of PostgreSQL. After each:
 * every candidate acknowledged exactly once (outbox and ledger), the ingest group's lag 0, and every
 * role's /readyz ready again after reporting the outage where there was one.
 */
describe('cluster: faults under a steady stream of applications', () => {
  const seed = Number(process.env.CANDOR_CLUSTER_SEED) || Math.floor(Math.random() * 2 ** 31);
  const random = seeded(seed);
  const tenant = unique('cluster').toLowerCase();
  let cluster: Cluster;
  let db: Database;
  let stream: Awaited<ReturnType<typeof applicationStream>>;
  let watch: ReadinessWatch;
  const roles = (): RoleNode[] => [cluster.api, ...cluster.ingest, ...cluster.workers];
  const landed: string[] = [];

  beforeAll(async () => {
    console.log(`[cluster] seed ${seed} (CANDOR_CLUSTER_SEED=${seed} replays the fault plan; process timing still varies)`);
    const dir = required('CANDOR_CLUSTER_DIR');
    rmSync(dir, { recursive: true, force: true });
    const started = Date.now();
    cluster = await startCluster({
      dir,
      basePort: Number(required('CANDOR_CLUSTER_BASE_PORT')),
      // A worker SIGTERMed at the end finishes its tasks within 5 s instead of 25 s.
      roleEnv: { LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '5000' },
      log: (m) => console.log(`[cluster] ${m}`),
    });
    console.log(`[cluster] up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    db = await openPostgresDatabase(cluster.databaseUrl, { max: 2 });
    await ensureTenant(db, { id: tenant, name: 'Cluster test' });
    stream = await applicationStream(cluster, tenant);
    watch = new ReadinessWatch(roles);
    watch.start();
  }, 600_000);

  afterAll(async () => {
    watch?.stop();
    await stream?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await cluster?.stop();
    console.log(`[cluster] seed ${seed}; faults: ${landed.join(' | ')}`);
  }, 180_000);

  /**
   * One round: `PER_ROUND` applications at `PACE`; when the position drawn from the seed is reached, `inject`
   * runs while the stream goes on. Then every application so far is acknowledged exactly once, the lag is 0
   * and every role is ready.
   */
  const round = async (fault: Fault, inject: (since: number) => Promise<string>) => {
    const position = Math.floor(PER_ROUND * (0.2 + 0.5 * random()));
    const before = stream.produced.length;
    let injected: Promise<void> | undefined;
    let since = 0;
    let note = '';
    let failure: Error | undefined;
    const roundStarted = Date.now();
    await stream.run(`${fault}-${tenant}`, PER_ROUND, PACE, (n) => {
      if (n !== position) return;
      since = Date.now();
      console.log(`[cluster] ${fault}: injecting at application ${n}/${PER_ROUND} of the round`);
      injected = inject(since).then(
        (what) => void (note = what),
        (error: unknown) => void (failure = error instanceof Error ? error : new Error(String(error))),
      );
    });
    await injected;
    if (failure) throw failure;
    const recoveredAt = Date.now();
    const expected = stream.produced.slice(0, before + PER_ROUND);

    console.log(`[cluster] ${fault}: ${note}; the round's stream is produced, waiting for the acknowledgements`);
    let missing = expected.length;
    await until(
      `${fault}: every application acknowledged`,
      async () => {
        const { outbox, ledger } = await acknowledgements(db, tenant);
        missing = expected.filter((id) => !outbox.has(id) || !ledger.has(id)).length;
        return missing === 0;
      },
      // Generous: on a machine shared with other suites (load average 20 to 48 seen) a round's backlog takes minutes.
      420_000,
      500,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; ${missing} of ${expected.length} not acknowledged (${note}); /readyz since the fault: ${watch.describe(since)}`);
    });
    const settledAt = Date.now();
    // Exactly once: one acknowledgement per application in the outbox and in the ledger, none for anything else.
    const { outbox, ledger } = await acknowledgements(db, tenant);
    expect([...outbox.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...ledger.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(outbox.size).toBe(expected.length);
    expect(ledger.size).toBe(expected.length);

    await until(`${fault}: the ingest group's lag back to 0`, async () => (await groupLag(cluster, GROUP)) === 0, 120_000, 500);
    await until(`${fault}: every role's /readyz ready again`, () => watch.allReady(recoveredAt), 180_000).catch((error: unknown) => {
      throw new Error(`${String(error)}; still not ready: ${watch.notReady(recoveredAt)}; /readyz since the fault: ${watch.describe(since)}`);
    });
    const report = `${fault} at application ${position}/${PER_ROUND} of the round (${((since - roundStarted) / 1000).toFixed(1)} s in): ${note}; recovered ${((recoveredAt - since) / 1000).toFixed(1)} s after, all ${expected.length} acknowledged ${((settledAt - recoveredAt) / 1000).toFixed(1)} s later`;
    landed.push(report);
    console.log(`[cluster] ${report}\n[cluster] /readyz during ${fault}: ${watch.describe(since)}`);
  };

  /** A role process killed mid-stream and started again (an orchestrator's restart); the others carry on. */
  const killRole = async (nodes: RoleNode[], since: number): Promise<string> => {
    const victim = nodes[Math.floor(random() * nodes.length)]!;
    const pid = victim.current()!.pid;
    await victim.kill();
    // Its /readyz is gone with it (the watcher sees no answer) before the replacement starts.
    await until(`${victim.name}: /readyz gone`, () => watch.reported(victim.name, since, (s) => s.state === 'down'), 10_000, 100);
    await victim.start();
    return `SIGKILL ${victim.name} (pid ${pid}), restarted`;
  };

  it('SIGKILL of one Kafka broker (then restart): every candidate acknowledged exactly once, lag 0, /readyz ready', async () => {
    await round('kafka-broker', async () => {
      const victim = cluster.kafka[Math.floor(random() * cluster.kafka.length)]!;
      const survivors = cluster.brokers.filter((b) => b !== victim.address);
      await victim.kill();
      // The survivors drop it from the in-sync replicas; writes (acks=all, min.insync.replicas=2) go on.
      await until('the ISR shrank', async () => (await underReplicated(survivors, [TOPIC_ATS_EVENTS, TOPIC_JOURNEY_EVENTS])) > 0, 60_000, 500);
      await victim.start();
      await until('every partition back to 3 in-sync replicas', async () => (await underReplicated(cluster.brokers, [TOPIC_ATS_EVENTS, TOPIC_JOURNEY_EVENTS])) === 0, 120_000, 500);
      // Then the controller gives the node back the partitions it prefers to lead, the group coordinators of the
      // consumer offsets among them: the ingest members follow their coordinator to the restarted node.
      await until('every partition led by its preferred replica again', async () => (await offPreferredLeader(cluster.brokers, [TOPIC_ATS_EVENTS, TOPIC_JOURNEY_EVENTS, '__consumer_offsets'])) === 0, 120_000, 500);
      return `SIGKILL ${victim.name}, restarted, ISR full and preferred leaders again`;
    });
  }, 720_000);

  it('SIGKILL of one worker: every candidate acknowledged exactly once, lag 0, /readyz ready', async () => {
    await round('worker', (since) => killRole(cluster.workers, since));
  }, 720_000);

  it('SIGKILL of one ingest process: every candidate acknowledged exactly once, lag 0, /readyz ready', async () => {
    await round('ingest', (since) => killRole(cluster.ingest, since));
  }, 720_000);

  it('SIGKILL of the Temporal server (then restart): every role reports it on /readyz, then every candidate acknowledged exactly once, lag 0', async () => {
    await round('temporal-server', async (since) => {
      await cluster.temporal.kill();
      // The outage lasts until every role has reported it (its temporal check failing), then the server comes back.
      await until('every role reported Temporal down', () => roles().every((r) => watch.reported(r.name, since, (s) => s.failing.includes('temporal'))), 60_000, 100);
      const down = Date.now();
      await cluster.temporal.start();
      return `SIGKILL temporal, every role's /readyz reported it, restarted after ${((Date.now() - down) / 1000).toFixed(1)} s`;
    });
  }, 720_000);

  it('restart of PostgreSQL: every role reports it on /readyz, then every candidate acknowledged exactly once, lag 0', async () => {
    await round('postgres', async (since) => {
      await cluster.postgres.stop();
      await until('every role reported the database down', () => roles().every((r) => watch.reported(r.name, since, (s) => s.failing.includes('database'))), 60_000, 100);
      await cluster.postgres.start();
      return 'PostgreSQL stopped (fast shutdown), every role\'s /readyz reported it, started again';
    });
  }, 720_000);
});

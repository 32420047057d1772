// Journey benchmark: how fast Candor acknowledges candidates compared with what bare Temporal accepts,
// measured side by side in one run on the same Temporal server (issue 12's goals 1, 2, 3 and 6).
//
//   npm run bench                                   (the runner starts a private stack and runs this)
//   npm run bench -- journeys                       (this script only)
//   BENCH_BURST=10000 BENCH_SUSTAIN_S=300 npm run bench -- journeys      (the issue's full sizes)
//
// What runs: Candor's real worker role and real ingest role (services/main.ts with CANDOR_ROLE=worker /
// ingest), each in its own process, on a PostgreSQL database of their own; events are produced to
// Kafka `ats.events` by a plain kafkajs producer (not Candor's), each a new application with contact
// details. "Acknowledged" = the `applied.ack` message recorded by the sandbox provider (outbox.sent_at).
//
// Phases and figures (printed as `BENCH {json}` lines, see run.ts):
//   bare      N signalWithStart calls of the journey workflow type on a task queue no worker polls,
//             BENCH_CONCURRENCY in flight: bare signals per second (the baseline of every ratio).
//   floor     the bare journey (floor/workflow.ts, on a worker process of its own configured as Candor's): N journeys
//             started with signalWithStart and ingest's input, each acknowledged by one local activity in its first
//             workflow task, then asleep on a timer. Nothing of Candor's runs: what Temporal alone allows a journey
//             that acknowledges from its workflow, the ceiling of the next figure. floor-eager (not by default): the
//             same, started by the worker's own process with eager workflow start (the first event as input).
//   burst     N applications produced at once; time until every one is acknowledged.
//             → acknowledgements/s ÷ bare signals/s (goal ≥ 0.5), burst time ÷ bare time (goal ≤ 2),
//             → worker RSS growth over the N open (cached) journeys ÷ N (goal < 0.3 MiB).
//   timers    BENCH_TIMERS of the burst's journeys get an interview whose 2-hours-before reminder is due
//             at a known instant (spread over 10 s), while all N journeys sleep; lateness = reminder's
//             outbox.sent_at − due (goal p99 < 1 s).
//   held      applications at half the burst's acknowledgement rate for BENCH_SUSTAIN_S seconds: the latency of a
//             steady load Candor keeps up with (no goal; it says what rate a deployment like this one holds).
//   sustained applications at half the bare signal rate for BENCH_SUSTAIN_S seconds; event (produce
//             time) → acknowledgement p50/p99 (goal p99 < 1 s). Events not acknowledged within
//             BENCH_DRAIN_S of the last one count as infinitely late.
// Environment: BENCH_BURST (2000), BENCH_CONCURRENCY (64), BENCH_SUSTAIN_S (60), BENCH_TIMERS (min(N, 500)),
// BENCH_WAIT_S (300: the longest wait for a burst), BENCH_DRAIN_S (60), BENCH_PHASES (bare,floor,burst,timers,held,sustained; floor-eager on request);
// BENCH_CACHE (the worker's workflow cache; default the burst + 500, so RSS ÷ N is per cached journey);
// INGEST_ACKNOWLEDGEMENTS=off: the roles as before ingest sent acknowledgements (each waits for its journey's first workflow task);
// BENCH_SDK_METRICS=host:port serves the worker's Temporal SDK metrics there and prints, for the burst and for the
// timers (from 6 s before the first is due: the early wake-ups), the workflow-task and local-activity latencies
// and slot use it saw (where a journey or a reminder waits inside the worker);
// BENCH_TIMERS_EVICT=N: once the reminders' journeys took their interview events, N other journeys of the burst get an
// ats.candidate.updated each, so that with a cache smaller than N (BENCH_CACHE) the reminders wake journeys the worker
// has to replay from their histories, as in production, where an interview is scheduled days before its reminder;
// BENCH_PAUSE_WORKER=1: the worker is stopped (SIGSTOP) during the sustained phase, so no journey runs its first
// workflow task meanwhile: what ingest's acknowledgement path alone holds at half the bare rate;
// BENCH_QUICK=1 (npm run bench -- --quick) makes the defaults 300 applications, 100 timers, 20 s sustained, 30 s drain.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { loadConfig } from '../../core/config';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { initialJourney, journeyChoice } from '../../core/journeys/published';
import { WORKER_NODE_ARGS } from '../../core/temporal/workflow-code';
import { ROOT } from '../../infra/stack';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { ensureTenant, migrate, openPostgresDatabase, type Database } from '../../core/store';
import { journeyWorkflowId } from '../../workflows/shared';
import { signalJourney } from '../../core/temporal/journeys';
import { createPayloadCodec } from '../../core/temporal/connection';
import { daytimeZone } from '../helpers/events';
import { benchEncryptionKeys, createBenchDatabase, emit, percentile, pidsWhere, round, sleep, startBenchStack, startRole, cpuSeconds, temporalPids, type RoleProcess } from './support';

const QUICK = process.env.BENCH_QUICK === '1';
const N = Number(process.env.BENCH_BURST ?? (QUICK ? 300 : 2000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SUSTAIN_S = Number(process.env.BENCH_SUSTAIN_S ?? (QUICK ? 20 : 60));
const TIMERS = Math.min(N, Number(process.env.BENCH_TIMERS ?? (QUICK ? 100 : 500)));
const WAIT_S = Number(process.env.BENCH_WAIT_S ?? 300);
const DRAIN_S = Number(process.env.BENCH_DRAIN_S ?? (QUICK ? 30 : 60));
/** The worker's TEMPORAL_MAX_CACHED_WORKFLOWS: by default every journey of the burst (and the warm-up) stays cached. */
const CACHE = Number(process.env.BENCH_CACHE ?? Math.max(N + 500, 2500));
const PAUSE_WORKER = process.env.BENCH_PAUSE_WORKER === '1';
const PHASES = new Set((process.env.BENCH_PHASES ?? 'bare,floor,burst,timers,held,sustained').split(','));
const SDK_METRICS = process.env.BENCH_SDK_METRICS;
const EVICT = Number(process.env.BENCH_TIMERS_EVICT ?? 0);
const TENANT = 'bench';
const TOPIC = 'ats.events';
const run = Date.now().toString(36);
const log = (m: string) => console.error(`[journeys] ${m}`);

/** A new application with contact details, in a time zone where it is now office hours (no quiet-hours hold). */
function application(applicationId: string, zone: string) {
  const data = exampleData(applicationId)['ats.application.created'];
  return exampleEvent('ats.application.created', { tenant: TENANT, applicationId, data: { ...data, candidate: { ...data.candidate, timeZone: zone } } });
}

/** First `template` message per application of this run, as ms since the epoch (the sandbox provider's outbox). */
async function recorded(db: Database, template: string, prefix: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ application_id: string; at: number }>(
    `select application_id, (extract(epoch from min(sent_at)) * 1000)::float8 as at from outbox
      where tenant_id = $1 and template = $2 and application_id like $3 group by application_id`,
    [TENANT, template, `${prefix}%`],
  );
  return new Map(rows.map((r) => [r.application_id, Number(r.at)]));
}

/** Polls until `count` applications of `prefix` have a `template` message, or until `deadline`; returns what was recorded. */
async function waitRecorded(db: Database, template: string, prefix: string, count: number, deadline: number): Promise<Map<string, number>> {
  let seen = new Map<string, number>();
  let lastLog = Date.now();
  while (Date.now() < deadline) {
    seen = await recorded(db, template, prefix);
    if (seen.size >= count) return seen;
    if (Date.now() - lastLog > 15_000) {
      log(`  … ${seen.size}/${count} ${template}`);
      lastLog = Date.now();
    }
    await sleep(200);
  }
  return recorded(db, template, prefix);
}

/**
 * Polls until `count` journeys of `prefix` show their acknowledgement on the board in a row they wrote themselves (seq
 * above 0: ingest writes a new journey's first record with seq 0), or until `deadline`.
 */
async function waitBoarded(db: Database, prefix: string, count: number, deadline: number): Promise<{ complete: boolean; count: number; at: number }> {
  const boarded = async () =>
    Number(
      (
        await db.query<{ n: string }>(`select count(*) as n from journey_board where tenant_id = $1 and application_id like $2 and last_message_template = 'applied.ack' and seq > 0`, [
          TENANT,
          `${prefix}%`,
        ])
      ).rows[0]?.n ?? 0,
    );
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await boarded();
    if (seen >= count) return { complete: true, count: seen, at: Date.now() };
    await sleep(200);
  }
  return { complete: false, count: seen, at: Date.now() };
}

const EventType = temporal.api.enums.v1.EventType;
const msOf = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/**
 * Where a journey's time went from its start to its acknowledgement (the outbox's `sent_at` of `applied.ack`), from
 * the histories of the sampled journeys: workflow tasks (waiting in the queue for a worker slot, then running in
 * the worker), activity tasks likewise, and local activities (markers), up to and including the task or activity
 * that completed when the acknowledgement had been recorded. Means per journey.
 */
async function historyBreakdown(client: Client, acks: [applicationId: string, ackAt: number][]): Promise<string> {
  const sum = { journeys: 0, total: 0, wfTasks: 0, wfWait: 0, wfRun: 0, acts: 0, actWait: 0, actRun: 0, markers: 0, events: 0, allMarkers: 0, upserts: 0 };
  for (const [applicationId, ackAt] of acks) {
    const events = (await client.workflow.getHandle(journeyWorkflowId(TENANT, applicationId)).fetchHistory()).events ?? [];
    // The whole history so far (server work per journey, independent of the machine's load): events, markers, upserts.
    sum.events += events.length;
    sum.allMarkers += events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).length;
    sum.upserts += events.filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES).length;
    const at = new Map<number, number>();
    const start = msOf(events[0]?.eventTime);
    let reached = false;
    for (const e of events) {
      const t = msOf(e.eventTime);
      at.set(Number(e.eventId), t);
      // After the task that recorded the acknowledgement: count its commands' markers, stop at the next task.
      if (reached && e.eventType !== EventType.EVENT_TYPE_MARKER_RECORDED) break;
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        sum.wfTasks++;
        sum.wfWait += t - at.get(Number(e.workflowTaskStartedEventAttributes?.scheduledEventId))!;
      } else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        sum.wfRun += t - at.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId))!;
        reached = t >= ackAt;
      } else if (e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED) {
        sum.markers++;
      } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        sum.acts++;
        sum.actWait += t - at.get(Number(e.activityTaskStartedEventAttributes?.scheduledEventId))!;
      } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        sum.actRun += t - at.get(Number(e.activityTaskCompletedEventAttributes?.startedEventId))!;
        if (t >= ackAt) break;
      }
    }
    sum.total += ackAt - start;
    sum.journeys++;
  }
  const per = (v: number) => round(v / Math.max(1, sum.journeys), 1);
  const sec = (v: number) => round(v / Math.max(1, sum.journeys) / 1000, 2);
  return (
    `per journey until its acknowledgement (mean of ${sum.journeys}): ${sec(sum.total)} s from start; ${per(sum.wfTasks)} workflow tasks ` +
    `(${sec(sum.wfWait)} s waiting for the worker, ${sec(sum.wfRun)} s in it), ${per(sum.acts)} activity tasks (${sec(sum.actWait)} s waiting, ` +
    `${sec(sum.actRun)} s running), ${per(sum.markers)} local activities; its history now: ${per(sum.events)} events, ${per(sum.allMarkers)} ` +
    `markers (patches and local activities), ${per(sum.upserts)} search-attribute upserts`
  );
}

/**
 * Where a reminder's lateness went, from the histories of `due`'s journeys. The timer that fired at or after the
 * due instant: how late it fired, and how much of that is the workflow task that started it (a workflow reckons
 * a timer's duration from the start of its task, Temporal starts the timer when the task completes), then the
 * workflow task the firing caused, waiting for the worker and running in it.
 */
async function timerBreakdown(client: Client, due: Map<string, number>, sample: string[]): Promise<string> {
  const sum = { journeys: 0, fired: 0, settingTask: 0, toTask: 0, wait: 0, run: 0, timedOut: 0, notStarted: 0, failed: 0, fetchMs: 0, events: 0 };
  for (const applicationId of sample) {
    const dueAt = due.get(applicationId)!;
    const fetchStarted = performance.now();
    const events = (await client.workflow.getHandle(journeyWorkflowId(TENANT, applicationId)).fetchHistory()).events ?? [];
    sum.fetchMs += performance.now() - fetchStarted;
    sum.events += events.length;
    const at = new Map<number, number>();
    const taskOf = new Map<number, number>();
    let firedAt: number | undefined;
    for (const e of events) {
      const t = msOf(e.eventTime);
      at.set(Number(e.eventId), t);
      if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) {
        taskOf.set(Number(e.eventId), Number(e.timerStartedEventAttributes?.workflowTaskCompletedEventId));
      } else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && firedAt === undefined) {
        taskOf.set(Number(e.eventId), Number(e.workflowTaskCompletedEventAttributes?.startedEventId));
      } else if (e.eventType === EventType.EVENT_TYPE_TIMER_FIRED && firedAt === undefined && t >= dueAt - 1500) {
        firedAt = t;
        const completedId = taskOf.get(Number(e.timerFiredEventAttributes?.startedEventId));
        const startedId = completedId !== undefined ? taskOf.get(completedId) : undefined;
        if (completedId !== undefined && startedId !== undefined) sum.settingTask += at.get(completedId)! - at.get(startedId)!;
      } else if (firedAt !== undefined && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) {
        sum.timedOut++;
        if (e.workflowTaskTimedOutEventAttributes?.timeoutType === temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) sum.notStarted++;
      } else if (firedAt !== undefined && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
        sum.failed++;
      } else if (firedAt !== undefined && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        const started = at.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId))!;
        const scheduled = at.get(Number(e.workflowTaskCompletedEventAttributes?.scheduledEventId)) ?? started;
        sum.journeys++;
        sum.fired += firedAt - dueAt;
        sum.toTask += Math.max(0, scheduled - firedAt);
        sum.wait += started - scheduled;
        sum.run += t - started;
        break;
      }
    }
  }
  const sec = (v: number) => round(v / Math.max(1, sum.journeys) / 1000, 2);
  return (
    `per reminder (mean of ${sum.journeys}): the timer fired ${sec(sum.fired)} s after due (the workflow task that started it ran ` +
    `${sec(sum.settingTask)} s, and its duration counts from that task's start), then ${sec(sum.toTask)} s passed until the workflow task that ` +
    `completed was scheduled (${sum.timedOut} workflow tasks timed out, ${sum.notStarted} of them never started, and ${sum.failed} failed before it), which waited ${sec(sum.wait)} s for the worker and ran ${sec(sum.run)} s; afterwards, fetching a whole history (${Math.round(sum.events / Math.max(1, sample.length))} events, as a worker does for a journey it no longer holds) took ${Math.round(sum.fetchMs / Math.max(1, sample.length))} ms`
  );
}

/** The worker's Temporal SDK metrics, summed over their labels (histograms as _sum and _count). */
async function sdkMetricTotals(address: string): Promise<Map<string, number>> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(temporal_[a-z_]+?)(_sum|_count)?(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m) continue;
    const key = `${m[1]}${m[2] ?? ''}`;
    totals.set(key, (totals.get(key) ?? 0) + Number(m[4]));
  }
  return totals;
}

/**
 * What the worker's SDK metrics say of where a task waits, since an earlier reading (or since the start): mean
 * latencies of workflow tasks (schedule to start, execution), local activities (queue, execution), and the gauges now.
 */
function describeSdkMetrics(totals: Map<string, number>, since = new Map<string, number>()): string {
  const delta = (key: string) => (totals.get(key) ?? 0) - (since.get(key) ?? 0);
  const mean = (name: string) => {
    const count = delta(`${name}_count`);
    return count > 0 ? `${round(delta(`${name}_sum`) / count, 1)} ms × ${count}` : 'none';
  };
  return [
    'workflow_task_schedule_to_start_latency',
    'workflow_task_execution_latency',
    'workflow_activation_execution_latency',
    'workflow_task_replay_latency',
    'local_activity_execution_latency',
    'local_activity_schedule_to_start_latency',
    'local_activity_succeed_endtoend_latency',
  ]
    .map((name) => `${name} ${mean(`temporal_${name}`)}`)
    .concat(['temporal_num_pollers', 'temporal_worker_task_slots_available', 'temporal_sticky_cache_size'].map((n) => `${n} ${totals.get(n) ?? '?'}`))
    // Counters: tasks for journeys the worker held (hit) or had to fetch the whole history of (miss), and evictions.
    .concat([...totals.keys()].filter((n) => /^temporal_sticky_cache_(hit|miss|total_forced_eviction|forced_eviction)/.test(n)).map((n) => `${n} +${delta(n)}`))
    .join('; ');
}

async function produce(producer: Producer, events: ReturnType<typeof application>[] | ReturnType<typeof exampleEvent>[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    await producer.send({ topic: TOPIC, messages: events.slice(i, i + 500).map((e) => ({ key: `${e.tenant}:${e.subject}`, value: JSON.stringify(e) })) });
  }
}

/**
 * Candor settings the roles take from the benchmark's own environment when set, for side-by-side runs of one setting:
 * e.g. TEMPORAL_WORKFLOW_STACK_TRACES=on (the worker as before stack traces were off), INGEST_ACKNOWLEDGEMENTS=off (every
 * acknowledgement waits for its journey's first workflow task, as before 2026-12-02), TEMPORAL_PAYLOAD_COMPRESSION=on
 * (a new journey's input compressed before it is encrypted), TEMPORAL_ISOLATE_TIMEOUT=on (the SDK's watchdog per call).
 */
const ROLE_SETTINGS = [
  'TEMPORAL_WORKFLOW_TASK_SLOTS',
  'TEMPORAL_LOCAL_ACTIVITY_SLOTS',
  'TEMPORAL_WORKER_YIELD_CPU',
  'TEMPORAL_WORKFLOW_STACK_TRACES',
  'TEMPORAL_ISOLATE_TIMEOUT',
  'TEMPORAL_DEFINITION_REFERENCES',
  'TEMPORAL_PAYLOAD_COMPRESSION',
  'INGEST_ACKNOWLEDGEMENTS',
  'INGEST_MAX_IN_FLIGHT',
  'INGEST_COMMIT_INTERVAL_MS',
] as const;
const roleSettingsFromEnv = (): Record<string, string> => Object.fromEntries(ROLE_SETTINGS.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));

/** The Kafka broker whose properties file listens on `port` (for its CPU time), if it runs on this machine. */
const kafkaPids = (port: string): number[] =>
  pidsWhere((args) => {
    const props = args[args.indexOf('kafka.Kafka') + 1];
    return args.includes('kafka.Kafka') && props !== undefined && readFileSync(props, 'utf8').includes(`PLAINTEXT://127.0.0.1:${port},`);
  });

/** The PostgreSQL server listening on `port` and its backends (for their CPU time), if it runs on this machine. */
function postgresPids(port: string): number[] {
  const postmaster = pidsWhere((args) => /postgres$/.test(args[0] ?? '') && args.includes('-p') && args.includes(port))[0];
  if (postmaster === undefined) return [];
  const ppid = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  return [postmaster, ...pidsWhere((_, pid) => ppid(pid) === postmaster)];
}

/** CPU seconds of a process, 0 once it is gone. */
/**
 * Statements committed in the bench's database since `from` (PostgreSQL's per-database transaction count: each statement
 * the roles run outside a transaction is one), less the bench's own queries counted by `own`. The server publishes a
 * backend's counts once it has been idle for a while (within 10 s), so read it that long after the work ended.
 */
function statementCounter(db: Database) {
  let own = 0;
  const query = db.query.bind(db);
  db.query = <T,>(sql: string, params?: unknown[]) => {
    own++;
    return query<T>(sql, params);
  };
  const committed = async () => {
    own++;
    return Number((await query<{ n: string }>('select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()')).rows[0]?.n ?? 0);
  };
  return {
    async mark(): Promise<{ committed: number; own: number }> {
      return { committed: await committed(), own };
    },
    async since(from: { committed: number; own: number }): Promise<number> {
      const now = await committed();
      return now - from.committed - (own - from.own);
    },
  };
}

function cpuOf(pid: number): number {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0;
  }
}

/**
 * CPU use (% of one core) of each watched group of processes between two calls. A process that started in
 * between counts in full, one that ended in between is missed (PostgreSQL backends come and go).
 */
function cpuMeter(groups: Record<string, () => number[]>) {
  const take = () => Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, new Map(pids().map((pid) => [pid, cpuOf(pid)]))]));
  let start = take();
  let at = Date.now();
  return {
    reset() {
      start = take();
      at = Date.now();
    },
    /** With `count` (the items done meanwhile), also each group's CPU milliseconds per item and their total. */
    read(count?: number): string {
      const now = take();
      const s = (Date.now() - at) / 1000;
      let total = 0;
      const parts = Object.entries(now)
        .filter(([, pids]) => pids.size > 0)
        .map(([k, pids]) => {
          const used = [...pids].reduce((sum, [pid, cpu]) => sum + Math.max(0, cpu - (start[k]!.get(pid) ?? 0)), 0);
          total += used;
          return `${k} ${Math.round((used / s) * 100)}%${count ? ` (${round((used * 1000) / count, 1)} ms each)` : ''}`;
        });
      return `${parts.join(', ')}${count ? `; ${round((total * 1000) / count, 1)} ms CPU per item in all` : ''}`;
    },
  };
}

async function main(): Promise<void> {
  const standalone = process.env.BENCH !== '1';
  const stack = standalone ? await startBenchStack(log) : undefined;
  if (stack) Object.assign(process.env, stack.env);
  const dataDir = process.env.BENCH_DATA_DIR ?? join(stack?.dir ?? '.data/bench', 'scripts', 'journeys');
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const roles: RoleProcess[] = [];
  try {
    const databaseUrl = await createBenchDatabase('bench_journeys');
    const db = await openPostgresDatabase(databaseUrl);
    const statements = statementCounter(db);
    await migrate(db);
    await ensureTenant(db, { id: TENANT, name: 'Bench' });
    const taskQueue = process.env.BENCH_TASK_QUEUE ?? `bench-journeys-${run}`;
    const env = {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
      DATABASE_URL: databaseUrl,
      CANDOR_DATA_DIR: dataDir,
      CANDOR_ENCRYPTION_KEYS: benchEncryptionKeys(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      KAFKA_GROUP_ID: `bench-journeys-${run}`,
      // Every journey of the burst stays cached, so RSS growth ÷ N is the cost of one cached journey (unless
      // BENCH_CACHE asks for a smaller cache, e.g. the SDK's default size, to see the timers as a default worker would).
      TEMPORAL_MAX_CACHED_WORKFLOWS: String(CACHE),
      ...(SDK_METRICS ? { TEMPORAL_SDK_METRICS_ADDRESS: SDK_METRICS } : {}),
      ...roleSettingsFromEnv(),
    };
    const config = loadConfig(env);
    log(`starting the worker and ingest roles (task queue ${taskQueue}) …`);
    const [worker, ingest] = await Promise.all([
      startRole('worker', env, join(dataDir, 'logs', 'worker.log')),
      startRole('ingest', env, join(dataDir, 'logs', 'ingest.log')),
    ]);
    roles.push(worker, ingest);
    const client = new Client({
      connection: await Connection.connect({ address: config.temporal.address }),
      namespace: config.temporal.namespace,
      dataConverter: { payloadCodecs: [createPayloadCodec(config)] },
    });
    const kafka = new Kafka({ clientId: `ats-bench-${run}`, brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const zone = daytimeZone();
    const temporalServer = temporalPids(config.temporal.address);
    const postgresServer = new URL(databaseUrl).port;
    const kafkaBroker = kafkaPids(config.kafka.brokers[0]!.split(':').pop()!);
    const cpu = cpuMeter({
      worker: () => [worker.pid],
      ingest: () => [ingest.pid],
      temporal: () => temporalServer,
      kafka: () => kafkaBroker,
      postgres: () => postgresPids(postgresServer),
      bench: () => [process.pid],
    });

    // Warm-up: the ingest consumer joins its group, the worker's first workflow tasks, the dev server's caches.
    const warm = Array.from({ length: 20 }, (_, i) => application(`${run}-warm-${i}`, zone));
    await produce(producer, warm);
    const warmed = await waitRecorded(db, 'applied.ack', `${run}-warm-`, warm.length, Date.now() + 120_000);
    if (warmed.size < warm.length) throw new Error(`warm-up: only ${warmed.size} of ${warm.length} applications were acknowledged within 120 s (see ${dataDir}/logs)`);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => application(`${run}-bwarm-${i}`, zone)).map((e) =>
        signalJourney(client, `${taskQueue}-bare`, { tenant: TENANT, applicationId: e.subject }, { id: e.id, type: e.type, time: e.time, data: e.data }),
      ),
    );
    log(`warm (${N} applications per burst, ${CONCURRENCY} in flight, candidates in ${zone})`);

    // bare: the same first signal of N new journeys, on a task queue no worker polls.
    const bareEvents = Array.from({ length: N }, (_, i) => application(`${run}-bare-${i}`, zone));
    let bareRate = NaN;
    {
      const queue = [...bareEvents];
      cpu.reset();
      const started = Date.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let e = queue.shift(); e; e = queue.shift()) {
            await signalJourney(client, `${taskQueue}-bare`, { tenant: TENANT, applicationId: e.subject }, { id: e.id, type: e.type, time: e.time, data: e.data });
          }
        }),
      );
      bareRate = N / ((Date.now() - started) / 1000);
      // Temporal's CPU per bare start: with the same figure for an acknowledgement (burst), their quotient is what the
      // ratio can reach while the dev server's process is the limit.
      log(`bare signalWithStart: ${round(bareRate, 1)}/s; CPU ${cpu.read(N)}`);
      emit({ figure: 'Bare signalWithStart rate', value: round(bareRate, 1), unit: '/s', goal: '(baseline)', pass: null, ratio: 1, baseline: round(bareRate, 1), note: `${N} new journeys, ${CONCURRENCY} in flight, no worker` });
    }
    const bareSeconds = N / bareRate;

    // floor: the bare journey (floor/workflow.ts), N new applications started as ingest starts them (the same input,
    // with the resolved journey), acknowledged by one local activity in their first workflow task, on a worker of its
    // own configured as Candor's; it stops before the burst. What Temporal alone allows a journey that acknowledges.
    // floor-eager: the same journeys started by the worker's own process with eager start (first event as input).
    let floorRate = NaN;
    const floor = async (eager: boolean): Promise<void> => {
      const floorQueue = `${taskQueue}-floor${eager ? '-eager' : ''}`;
      const initial = await initialJourney(db, loadDefaultJourneys(), { tenant: TENANT, ...journeyChoice(warm[0]!.data) }, Date.now());
      const sample = warm[0]!;
      const firstEvent = { id: sample.id, type: sample.type, time: sample.time, data: sample.data };
      const floorWorker = spawn(process.execPath, [...WORKER_NODE_ARGS, '--import', 'tsx', join(ROOT, 'test', 'benchmarks', 'floor', 'worker.ts')], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: 'production',
          ...env,
          TEMPORAL_TASK_QUEUE: floorQueue,
          ...(eager ? { FLOOR_EAGER: '1', FLOOR_INPUT: JSON.stringify({ initial }), FLOOR_EVENT: JSON.stringify(firstEvent) } : {}),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const acked = new Map<string, number>();
      const startedEagerly = new Map<string, number>();
      let ready: () => void = () => undefined;
      const isReady = new Promise<void>((resolve) => (ready = resolve));
      createInterface({ input: floorWorker.stdout }).on('line', (line) => {
        const [word, id, at] = line.split(' ');
        if (word === 'READY') ready();
        else if (word === 'ACK' && id && at) acked.set(id, Number(acked.get(id) ?? at));
        else if (word === 'STARTED' && id && at) startedEagerly.set(id, Number(at));
      });
      const exited = new Promise<never>((_, reject) => floorWorker.on('exit', (code) => reject(new Error(`the bare journeys' worker exited (${code})`))));
      exited.catch(() => undefined);
      const startAll = async (prefix: string, count: number) => {
        if (eager) {
          floorWorker.stdin.write(`START ${prefix} ${count} ${CONCURRENCY}\n`);
          while (!startedEagerly.has(prefix)) await Promise.race([sleep(50), exited]);
          return;
        }
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            for (let i = next++; i < count; i = next++) {
              await signalJourney(client, floorQueue, { tenant: TENANT, applicationId: `${prefix}${i}` }, firstEvent, { initial });
            }
          }),
        );
      };
      const until = async (prefix: string, count: number) => {
        const deadline = Date.now() + WAIT_S * 1000;
        while ([...acked.keys()].filter((id) => id.startsWith(prefix)).length < count && Date.now() < deadline) await Promise.race([sleep(100), exited]);
      };
      try {
        await Promise.race([isReady, exited]);
        await startAll(`${run}-fwarm${eager ? 'e' : ''}-`, 20);
        await until(`${run}-fwarm${eager ? 'e' : ''}-`, 20);
        const prefix = `${run}-floor${eager ? 'e' : ''}-`;
        const workerCpu = cpuSeconds(floorWorker.pid!);
        cpu.reset();
        const started = Date.now();
        await startAll(prefix, N);
        await until(prefix, N);
        const usage = cpu.read(N);
        const times = [...acked].filter(([id]) => id.startsWith(prefix)).map(([, t]) => t);
        const seconds = (Math.max(...times) - started) / 1000;
        const rate = times.length / seconds;
        const perJourney = ((cpuSeconds(floorWorker.pid!) - workerCpu) * 1000) / Math.max(1, times.length);
        const how = eager ? `eager start by the worker's process (${startedEagerly.get(prefix)} of ${N} started eagerly)` : 'signalWithStart';
        if (!eager) floorRate = rate;
        log(`floor (bare journeys, ${how}): ${times.length}/${N} acknowledged in ${round(seconds, 1)} s: ${round(rate, 1)}/s, ratio ${round(rate / bareRate, 3)}; their worker ${round(perJourney, 1)} ms CPU each; CPU ${usage}`);
        emit({
          figure: eager ? 'Bare journeys acknowledged per second, eager start' : 'Bare journeys acknowledged per second',
          value: round(rate, 1),
          unit: '/s',
          goal: '(ceiling of the acknowledgement rate)',
          pass: null,
          ratio: round(rate / bareRate, 3),
          baseline: round(bareRate, 1),
          bottleneck: `CPU: ${usage} (the "worker" is Candor's, idle here); the bare journeys' worker ${round(perJourney, 1)} ms CPU per journey`,
          note: `${times.length} of ${N}: ${how} with ingest's input, one workflow task with one local activity, then a timer; nothing of Candor's`,
        });
      } finally {
        floorWorker.kill('SIGTERM');
        await new Promise((resolve) => (floorWorker.exitCode !== null ? resolve(undefined) : floorWorker.once('exit', resolve)));
      }
    };
    if (PHASES.has('floor')) await floor(false);
    if (PHASES.has('floor-eager')) await floor(true);

    let ackRate = NaN;
    // Applications of the burst not acknowledged when it gave up: the sustained phase starts behind them.
    let behind = 0;
    if (PHASES.has('burst')) {
      await sleep(2000);
      const rssBefore = worker.rssMiB();
      const burst = Array.from({ length: N }, (_, i) => application(`${run}-b-${i}`, zone));
      cpu.reset();
      const statementsFrom = await statements.mark();
      const started = Date.now();
      await produce(producer, burst);
      const producedIn = Date.now() - started;
      const acks = await waitRecorded(db, 'applied.ack', `${run}-b-`, N, started + WAIT_S * 1000);
      const usage = cpu.read(acks.size);
      const complete = acks.size >= N;
      behind = N - acks.size;
      const last = Math.max(...acks.values());
      const seconds = complete ? (last - started) / 1000 : WAIT_S;
      ackRate = acks.size / seconds;
      log(`burst: ${acks.size}/${N} acknowledged in ${round(seconds, 1)} s (produced in ${producedIn} ms): ${round(ackRate, 1)}/s; CPU ${usage}`);
      const sample = [...acks.keys()].filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 20)) === 0).slice(0, 20);
      const breakdown = await historyBreakdown(client, sample.map((id) => [id, acks.get(id)!])).catch((error: unknown) => `history breakdown failed: ${String(error)}`);
      log(`burst: ${breakdown}`);
      if (SDK_METRICS) log(`burst, the worker's SDK metrics: ${await sdkMetricTotals(SDK_METRICS).then((t) => describeSdkMetrics(t), (error: unknown) => String(error))}`);
      const bottleneck = `CPU during the burst: ${usage}; ${breakdown}`;
      emit({
        figure: 'Acknowledgements per second (burst)',
        value: round(ackRate, 1),
        unit: '/s',
        goal: '≥ 0.5 × bare',
        pass: ackRate / bareRate >= 0.5,
        ratio: round(ackRate / bareRate, 3),
        baseline: round(bareRate, 1),
        bottleneck,
        note: complete ? `${N} applications` : `only ${acks.size} of ${N} acknowledged within ${WAIT_S} s`,
      });
      if (Number.isFinite(floorRate)) {
        emit({
          figure: 'Acknowledgements per second ÷ bare journeys',
          value: round(ackRate, 1),
          unit: '/s',
          goal: '',
          pass: null,
          ratio: round(ackRate / floorRate, 3),
          baseline: round(floorRate, 1),
          note: 'the share of what Temporal alone allows a journey that acknowledges from its workflow (floor) that Candor reaches',
        });
      }
      emit({
        figure: `Burst of ${N} applications, all acknowledged`,
        value: complete ? round(seconds, 1) : null,
        unit: 's',
        goal: '≤ 2 × bare',
        pass: complete ? seconds / bareSeconds <= 2 : false,
        ratio: complete ? round(seconds / bareSeconds, 2) : null,
        baseline: round(bareSeconds, 1),
        bottleneck,
        note: complete ? undefined : `> ${WAIT_S} s: ${N - acks.size} not acknowledged`,
      });
      // With ingest acknowledging, the journeys' own first workflow tasks may still be queued: the worker has taken a
      // journey in once its board row shows the acknowledgement (the journey's record of the send). RSS is read after that.
      const takenIn = await waitBoarded(db, `${run}-b-`, acks.size, Date.now() + WAIT_S * 1000);
      if (complete) {
        const takenSeconds = takenIn.complete ? (takenIn.at - started) / 1000 : null;
        log(`burst: ${takenIn.count}/${acks.size} journeys recorded their acknowledgement${takenSeconds !== null ? ` ${round(takenSeconds, 1)} s after the burst began` : ''}`);
        emit({
          figure: `Burst of ${N}, every journey's own record of its acknowledgement`,
          value: takenSeconds !== null ? round(takenSeconds, 1) : null,
          unit: 's',
          goal: '',
          pass: null,
          ratio: takenSeconds !== null ? round(takenSeconds / bareSeconds, 2) : null,
          baseline: round(bareSeconds, 1),
          note: takenSeconds !== null
            ? 'until the board shows every acknowledgement: the worker has run each journey\'s first workflow tasks (with ingest acknowledging, after the candidate got the message)'
            : `only ${takenIn.count} of ${acks.size} within ${WAIT_S} s`,
        });
      }
      await sleep(3000);
      const samples = [worker.rssMiB()];
      for (let i = 0; i < 4; i++) {
        await sleep(500);
        samples.push(worker.rssMiB());
      }
      const rssAfter = percentile(samples, 50);
      // Every journey of the burst has run its first workflow task and sleeps: the statements since the burst began are
      // ingest's and the worker's for these applications (an idle connection reports its last counts within 10 s).
      await sleep(6000);
      const perAck = (await statements.since(statementsFrom)) / Math.max(1, acks.size);
      log(`burst: ${round(perAck, 2)} database statements per acknowledged application (ingest and worker together)`);
      emit({ figure: 'Database statements per acknowledgement', value: round(perAck, 2), unit: '', goal: '', pass: null, ratio: null, baseline: null, note: 'ingest and worker together, from the burst until every journey slept (PostgreSQL transaction counts, less the benchmark\'s own queries)' });
      const perJourney = (rssAfter - rssBefore) / Math.max(1, acks.size);
      const allCached = CACHE >= acks.size;
      log(`worker RSS ${round(rssBefore, 0)} → ${round(rssAfter, 0)} MiB over ${acks.size} journeys${allCached ? `: ${round(perJourney, 3)} MiB each` : ` (at most ${CACHE} cached)`}`);
      emit({
        figure: 'Worker RSS per cached journey',
        value: allCached ? round(perJourney, 3) : null,
        unit: 'MiB',
        goal: '< 0.3 MiB',
        pass: allCached ? perJourney < 0.3 : null,
        ratio: null,
        baseline: null,
        note: `worker RSS ${round(rssBefore, 0)} → ${round(rssAfter, 0)} MiB over ${acks.size} open journeys${allCached ? '' : `, at most ${CACHE} of them cached (BENCH_CACHE): not a per-journey figure`}`,
      });

      if (PHASES.has('timers') && complete) {
        // Interviews whose 2-hours-before reminder is due at a known instant, spread over 10 s, far enough
        // ahead for the scheduling events to be through at the measured acknowledgement rate.
        const lead = Math.min(WAIT_S, Math.max(30, ((TIMERS + EVICT) / ackRate) * 2 + 15)) * 1000;
        const first = Math.ceil((Date.now() + lead) / 1000) * 1000;
        const due = new Map<string, number>();
        const events = burst.slice(0, TIMERS).map((e, i) => {
          const at = first + Math.floor((i * 10_000) / TIMERS);
          due.set(e.subject, at);
          const start = new Date(at + 2 * 3_600_000);
          const end = new Date(start.getTime() + 3_600_000);
          return exampleEvent('ats.interview.scheduled', {
            tenant: TENANT,
            applicationId: e.subject,
            data: { application: { id: e.subject }, interview: { id: `int-${i}`, start: start.toISOString(), end: end.toISOString(), location: 'Office', link: 'https://meet.example.com/bench' }, recruiter: e.data.recruiter },
          });
        });
        log(`timers: ${TIMERS} reminders due from ${new Date(first).toISOString()} over 10 s, ${N + warm.length} journeys open`);
        await produce(producer, events);
        if (EVICT > 0) {
          // Every reminder's journey has taken its interview (its confirmation is out); then other journeys push it out of the cache.
          const confirmed = await waitRecorded(db, 'interview.confirmed', `${run}-b-`, TIMERS, first - 5000);
          const others = burst.slice(TIMERS, TIMERS + EVICT).map((e) =>
            exampleEvent('ats.candidate.updated', { tenant: TENANT, applicationId: e.subject, data: { application: { id: e.subject }, candidate: e.data.candidate } }),
          );
          await produce(producer, others);
          log(`timers: ${confirmed.size}/${TIMERS} interviews confirmed, then ${others.length} other journeys updated, ${Math.round((first - Date.now()) / 1000)} s before the first is due`);
        }
        cpu.reset();
        // The SDK's metrics from just before the early wake-ups (TIMER_LEAD_MS, 5 s) of the first reminders.
        const metricsBefore = SDK_METRICS ? sleep(Math.max(0, first - 6000 - Date.now())).then(() => sdkMetricTotals(SDK_METRICS)).catch(() => undefined) : undefined;
        const fired = await waitRecorded(db, 'interview.reminder-soon', `${run}-b-`, TIMERS, first + 10_000 + DRAIN_S * 1000);
        if (SDK_METRICS) {
          const before = await metricsBefore;
          log(`timers, the worker's SDK metrics: ${before ? await sdkMetricTotals(SDK_METRICS).then((t) => describeSdkMetrics(t, before), (error: unknown) => String(error)) : 'not read before the timers'}`);
        }
        const lateness = [...due].map(([id, at]) => (fired.has(id) ? fired.get(id)! - at : Infinity));
        const missing = lateness.filter((l) => l === Infinity).length;
        const p50 = percentile(lateness, 50);
        const p99 = percentile(lateness, 99);
        const usage = cpu.read();
        const timerSample = [...due.keys()].filter((id) => fired.has(id)).filter((_, i) => i % Math.max(1, Math.floor(TIMERS / 20)) === 0).slice(0, 20);
        const where = await timerBreakdown(client, due, timerSample).catch((error: unknown) => `timer breakdown failed: ${String(error)}`);
        log(`timers: ${where}`);
        log(`timer lateness: p50 ${Math.round(p50)} ms, p99 ${Math.round(p99)} ms, max ${Math.round(Math.max(...lateness))} ms, ${missing} not fired within ${DRAIN_S} s; CPU ${usage}`);
        const note = `${TIMERS} reminders due over 10 s, ${N + warm.length} journeys open${missing ? `; ${missing} not fired within ${DRAIN_S} s` : ''}`;
        emit({ figure: 'Timer lateness p50', value: Number.isFinite(p50) ? Math.round(p50) : null, unit: 'ms', goal: '', pass: null, ratio: null, baseline: null, note });
        emit({ figure: 'Timer lateness p99', value: Number.isFinite(p99) ? Math.round(p99) : null, unit: 'ms', goal: '< 1000 ms', pass: p99 < 1000, ratio: null, baseline: null, bottleneck: `CPU while the timers fired: ${usage}; ${where}`, note });
      } else if (PHASES.has('timers')) {
        log('timers: skipped, the burst was not acknowledged in full');
      }
    }

    /** Applications at `rate` a second for SUSTAIN_S seconds: event → acknowledgement p50 and p99. */
    const sustain = async (name: string, rate: number, why: string, goal: boolean): Promise<void> => {
      const total = Math.round(rate * SUSTAIN_S);
      const produced = new Map<string, number>();
      const tickMs = 50;
      const prefix = `${run}-${name}-`;
      log(`${name}: ${round(rate, 1)} applications/s for ${SUSTAIN_S} s (${total})`);
      // BENCH_PAUSE_WORKER=1: the worker stopped (SIGSTOP) from the first event until the last is acknowledged, so no
      // journey runs its first workflow task meanwhile: the latency of ingest's acknowledgement path alone.
      const pause = goal && PAUSE_WORKER;
      if (pause) {
        process.kill(worker.pid, 'SIGSTOP');
        log(`${name}: the worker is stopped until the last acknowledgement`);
      }
      cpu.reset();
      const started = Date.now();
      let sent = 0;
      for (let tick = 1; sent < total; tick++) {
        const upTo = Math.min(total, Math.round((rate * tick * tickMs) / 1000));
        const slice = Array.from({ length: upTo - sent }, (_, k) => application(`${prefix}${sent + k}`, zone));
        const at = Date.now();
        if (slice.length) await producer.send({ topic: TOPIC, messages: slice.map((e) => ({ key: `${e.tenant}:${e.subject}`, value: JSON.stringify(e) })) });
        for (const e of slice) produced.set(e.subject, at);
        sent = upTo;
        await sleep(Math.max(0, started + tick * tickMs - Date.now()));
      }
      const acks = await waitRecorded(db, 'applied.ack', prefix, total, Date.now() + DRAIN_S * 1000);
      if (pause) process.kill(worker.pid, 'SIGCONT');
      // Per acknowledgement: at a steady rate the worker takes each journey as it comes, so this is what a journey costs
      // in all (in a burst the worker trails and much of its work falls after the burst's figures).
      const usage = cpu.read(acks.size);
      const latencies = [...produced].map(([id, at]) => (acks.has(id) ? acks.get(id)! - at : Infinity));
      const missing = latencies.filter((l) => l === Infinity).length;
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      log(`${name}: p50 ${Math.round(p50)} ms, p99 ${Math.round(p99)} ms, ${missing} of ${total} not acknowledged within ${DRAIN_S} s of the last; CPU ${usage}`);
      const note =
        `${round(rate, 1)}/s (${why}) for ${SUSTAIN_S} s${pause ? ', the worker stopped (BENCH_PAUSE_WORKER=1)' : ''}${missing ? `; ${missing} of ${total} not acknowledged within ${DRAIN_S} s after the last event` : ''}` +
        (behind ? `; started behind ${behind} unacknowledged applications of the burst` : '');
      const label = goal ? 'sustained' : `sustained at ${round(rate, 1)}/s`;
      emit({ figure: `Event → acknowledgement p50 (${label})`, value: Number.isFinite(p50) ? Math.round(p50) : null, unit: 'ms', goal: '', pass: null, ratio: null, baseline: null, note });
      emit({ figure: `Event → acknowledgement p99 (${label})`, value: Number.isFinite(p99) ? Math.round(p99) : null, unit: 'ms', goal: goal ? '< 1000 ms' : '', pass: goal ? p99 < 1000 : null, ratio: null, baseline: null, bottleneck: `CPU during the run: ${usage}`, note });
    };
    // First at a rate Candor holds (half what it acknowledged in the burst), so the figure says what latency a steady
    // load of that size sees; then the goal's rate (half the bare rate), which leaves a backlog when it is above that.
    if (PHASES.has('held') && Number.isFinite(ackRate)) await sustain('held', ackRate / 2, 'half the burst\'s acknowledgement rate', false);
    if (PHASES.has('sustained')) await sustain('sustained', bareRate / 2, 'half the bare rate', true);

    await producer.disconnect();
    await client.connection.close();
    await db.close();
  } finally {
    // A worker stopped for the sustained phase (BENCH_PAUSE_WORKER) runs again, so it can stop, if that phase failed.
    if (PAUSE_WORKER) {
      for (const role of roles) {
        try {
          process.kill(role.pid, 'SIGCONT');
        } catch {
          // already gone
        }
      }
    }
    for (const role of roles.reverse()) await role.stop().catch(() => undefined);
    await stack?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

// Do outbox readers slow down sending? Acknowledgements per second of a burst of new applications while
// 4 clients poll GET /api/v1/outbox back to back, divided by the same burst with nobody reading; once with
// the read limiter off (as before it existed) and once with its defaults. api, ingest and worker share
// one process and one PGlite, as with `npm start`.
//
//   node --import tsx test/benchmarks/outbox-readers.ts          (starts a private Temporal + Kafka)
//   TEMPORAL_ADDRESS=127.0.0.1:7233 KAFKA_BROKERS=127.0.0.1:9092 node --import tsx test/benchmarks/outbox-readers.ts
//
// Options (environment): BURST (applications per burst, 120), WARMUP (40), READERS (4), ROUNDS (3), BENCH_PORT_OFFSET (200),
// LIMITS (more limiter settings to compare, e.g. "API_READ_CONCURRENCY=1,API_READ_SHARE=0.25;API_READ_SHARE=1").
// Prints one line per phase, a table of medians, and a `BENCH {json}` line per figure.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DATA_DIR, ROOT, startLocalStack, startProcess, tail, type LocalStack, type ManagedProcess } from '../../infra/stack';
import { scenarioMessages } from '../../core/events/examples';
import { TOPIC_ATS_EVENTS, TOPIC_JOURNEY_EVENTS } from '../../core/kafka/topics';
import { WORKER_NODE_ARGS } from '../../core/temporal/workflow-code';
import { daytimeZone } from '../helpers/events';

const BURST = Number(process.env.BURST ?? 120);
const WARMUP = Number(process.env.WARMUP ?? 40);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const READERS = Number(process.env.READERS ?? 4);
const OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 200);
const PORTS = { temporal: 27233 + OFFSET, temporalUi: 28233 + OFFSET, kafka: 29092 + OFFSET, kafkaController: 29093 + OFFSET, http: 23000 + OFFSET };
const DIR = join(DATA_DIR, `bench-outbox-readers-${OFFSET}`);
const API_KEY = `cnd_bench_${randomBytes(18).toString('hex')}`;
const RUN = Date.now().toString(36);

const say = (m: string) => console.log(`[outbox-readers] ${m}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Phase {
  name: string;
  readers: number;
  /** Environment for Candor: the limiter's settings. */
  env: Record<string, string>;
}

interface PhaseResult {
  name: string;
  acksPerSecond: number;
  seconds: number;
  reads: number;
  readsPerSecond: number;
  shed: number;
  /** Candor's CPU seconds during the burst, per acknowledgement. */
  cpuPerAck: number;
}

/** Counts first dispatched messages (the acknowledgement) per application, from candor.journey-events. */
async function ackWatcher(kafka: Kafka) {
  const firstAt = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const consumer = kafka.consumer({ groupId: `bench-outbox-readers-${RUN}`, sessionTimeout: 30_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC_JOURNEY_EVENTS, fromBeginning: false });
  let assigned!: () => void;
  const ready = new Promise<void>((r) => (assigned = r));
  consumer.on(consumer.events.GROUP_JOIN, () => assigned());
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value?.toString() ?? '{}') as { type?: string; subject?: string };
      if (event.type !== 'candor.journey.message.dispatched' || !event.subject || firstAt.has(event.subject)) return;
      firstAt.set(event.subject, Date.now());
      for (const w of waiters.splice(0)) w();
    },
  });
  await ready;
  return {
    /** Resolves when every one of `ids` has had its first message; the time of the last. */
    async allAcknowledged(ids: string[], timeoutMs = 900_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      while (!ids.every((id) => firstAt.has(id))) {
        if (Date.now() > deadline) throw new Error(`${ids.filter((id) => !firstAt.has(id)).length} of ${ids.length} applications not acknowledged in ${timeoutMs / 1000} s`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), sleep(1000)]);
      }
      return Math.max(...ids.map((id) => firstAt.get(id)!));
    },
    close: () => consumer.disconnect(),
  };
}

/** Produces one `ats.application.created` per id for the demo tenant, all at once. */
async function produce(kafka: Kafka, ids: string[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    // Candidates where it is daytime now: in a zone inside its quiet hours the acknowledgements would wait for morning.
    const zone = daytimeZone();
    const messages = ids.flatMap((applicationId) => scenarioMessages('sample', { tenant: 'demo', applicationId, provider: 'bench' }));
    const inZone = messages.map(({ key, event }) => {
      const data = event.data as { candidate?: Record<string, unknown> } | undefined;
      const moved = event.type === 'ats.application.created' && data?.candidate ? { ...event, data: { ...data, candidate: { ...data.candidate, timeZone: zone } } } : event;
      return { key, value: JSON.stringify(moved) };
    });
    await producer.send({ topic: TOPIC_ATS_EVENTS, acks: -1, messages: inZone });
  } finally {
    await producer.disconnect();
  }
}

/** Candor (every role in one process, its own PGlite, task queue and consumer group) until `stop`. */
async function startCandorProcess(phase: Phase, stack: { temporal: string; kafka: string }, round: number): Promise<ManagedProcess> {
  const dataDir = join(DIR, `${phase.name.replace(/\W+/g, '-')}-${round}`);
  rmSync(dataDir, { recursive: true, force: true });
  const proc = startProcess({
    name: 'candor',
    command: process.execPath,
    args: [...WORKER_NODE_ARGS, '--import', 'tsx', join(ROOT, 'services', 'main.ts')],
    cwd: ROOT,
    logFile: join(DIR, 'logs', `${phase.name.replace(/\W+/g, '-')}.log`),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      CANDOR_ROLE: 'all',
      TEMPORAL_ADDRESS: stack.temporal,
      KAFKA_BROKERS: stack.kafka,
      CANDOR_DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(PORTS.http),
      CANDOR_DEMO_API_KEY: API_KEY,
      TEMPORAL_TASK_QUEUE: `bench-outbox-${RUN}-${phase.name.replace(/\W+/g, '-')}-${round}`,
      // One consumer group for the run: each process reads on from where the one before stopped.
      KAFKA_GROUP_ID: `bench-outbox-${RUN}`,
      ...phase.env,
    },
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${PORTS.http}/readyz`).then((r) => r.ok, () => false);
    if (ready) return proc;
    if (proc.hasExited() || Date.now() > deadline) {
      await proc.stop(5000);
      throw new Error(`Candor did not become ready:\n${tail(proc.logFile, 30)}`);
    }
    await sleep(500);
  }
}

/** `count` clients reading the whole outbox (500 a page) back to back until `stop()`. */
function startReaders(count: number) {
  let running = true;
  let reads = 0;
  let shed = 0;
  const client = async () => {
    while (running) {
      const response = await fetch(`http://127.0.0.1:${PORTS.http}/api/v1/outbox?limit=500`, { headers: { authorization: `Bearer ${API_KEY}` } }).catch(() => undefined);
      if (!response) continue;
      await response.arrayBuffer();
      if (response.status === 503) {
        shed++;
        // A polite client honours Retry-After.
        await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
      } else reads++;
    }
  };
  const clients = Array.from({ length: count }, client);
  return {
    async stop() {
      running = false;
      await Promise.all(clients);
      return { reads, shed };
    },
  };
}

async function runPhase(phase: Phase, kafka: Kafka, stack: { temporal: string; kafka: string }, round: number): Promise<PhaseResult> {
  const candor = await startCandorProcess(phase, stack, round);
  const watcher = await ackWatcher(kafka);
  try {
    const prefix = `bench-${RUN}-${phase.name.replace(/\W+/g, '-')}-${round}`;
    // Warm up (and give the outbox something to read): the process, the workflow bundle, the caches.
    const warm = Array.from({ length: WARMUP }, (_, n) => `${prefix}-w${n}`);
    await produce(kafka, warm);
    await watcher.allAcknowledged(warm);
    const readers = phase.readers > 0 ? startReaders(phase.readers) : undefined;
    if (readers) await sleep(2000); // the readers reach their steady pace
    const burst = Array.from({ length: BURST }, (_, n) => `${prefix}-b${n}`);
    const started = Date.now();
    const cpuBefore = cpuSeconds(candor.pid);
    await produce(kafka, burst);
    const last = await watcher.allAcknowledged(burst);
    const cpu = cpuSeconds(candor.pid) - cpuBefore;
    const readStats = (await readers?.stop()) ?? { reads: 0, shed: 0 };
    const seconds = (last - started) / 1000;
    const elapsed = (Date.now() - started) / 1000;
    const result = { name: phase.name, acksPerSecond: BURST / seconds, seconds, reads: readStats.reads, readsPerSecond: readStats.reads / elapsed, shed: readStats.shed, cpuPerAck: cpu / BURST };
    say(`round ${round + 1}, ${phase.name}: ${BURST} acknowledgements in ${seconds.toFixed(1)} s = ${result.acksPerSecond.toFixed(2)}/s; reads ${result.reads} (${result.readsPerSecond.toFixed(1)}/s), shed ${result.shed}; ${result.cpuPerAck.toFixed(3)} CPU s/ack`);
    return result;
  } finally {
    await watcher.close();
    await candor.stop(30_000);
  }
}

/** CPU seconds (user + system) the process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  const external = process.env.TEMPORAL_ADDRESS && process.env.KAFKA_BROKERS;
  let stack: LocalStack | undefined;
  if (!external) {
    rmSync(join(DIR, 'kafka'), { recursive: true, force: true });
    say('starting a private Temporal dev server and Kafka broker …');
    stack = await startLocalStack({ dataDir: DIR, temporalPort: PORTS.temporal, temporalUiPort: PORTS.temporalUi, persistTemporal: false, kafkaPort: PORTS.kafka, kafkaControllerPort: PORTS.kafkaController, log: say });
  }
  const endpoints = { temporal: process.env.TEMPORAL_ADDRESS ?? stack!.temporal.address, kafka: process.env.KAFKA_BROKERS ?? stack!.kafka.brokers.join(',') };
  const kafka = new Kafka({ clientId: 'bench-outbox-readers', brokers: endpoints.kafka.split(','), logLevel: logLevel.NOTHING });
  try {
    const unlimited = { API_READ_CONCURRENCY: '1000', API_READ_QUEUE: '100000', API_READ_SHARE: '1' };
    const variants: Phase[] = (process.env.LIMITS ?? '')
      .split(';')
      .filter((v) => v.trim())
      .map((v) => ({ name: `${READERS} readers, ${v.trim()}`, readers: READERS, env: Object.fromEntries(v.split(',').map((kv) => kv.trim().split('=') as [string, string])) }));
    const phases: Phase[] = [
      { name: 'no readers', readers: 0, env: {} },
      { name: `${READERS} readers, no limiter`, readers: READERS, env: unlimited },
      { name: `${READERS} readers, limiter (defaults)`, readers: READERS, env: {} },
      ...variants,
    ];
    // The machine is shared, so its speed drifts: every round runs each phase once (in a rotated order),
    // each phase is compared with the round's own "no readers", and the table shows the medians.
    const results = new Map<string, PhaseResult[]>(phases.map((p) => [p.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[(i + round) % phases.length]!;
        results.get(phase.name)!.push(await runPhase(phase, kafka, endpoints, round));
      }
    }
    const alone = results.get('no readers')!;
    const ratioOf = (name: string) => median(results.get(name)!.map((r, round) => r.acksPerSecond / alone[round]!.acksPerSecond));
    console.log(`\nmedians of ${ROUNDS} round(s), ${BURST} applications a burst, ${READERS} readers polling GET /api/v1/outbox?limit=500 back to back`);
    console.log(`${'phase'.padEnd(56)} ${'acks/s'.padStart(7)} ${'÷ no readers'.padStart(13)} ${'reads/s'.padStart(8)} ${'shed'.padStart(5)} ${'CPU s/ack'.padStart(10)}`);
    for (const phase of phases) {
      const rs = results.get(phase.name)!;
      console.log(
        `${phase.name.padEnd(56)} ${median(rs.map((r) => r.acksPerSecond)).toFixed(2).padStart(7)} ${ratioOf(phase.name).toFixed(2).padStart(13)} ${median(rs.map((r) => r.readsPerSecond)).toFixed(1).padStart(8)} ${String(median(rs.map((r) => r.shed))).padStart(5)} ${median(rs.map((r) => r.cpuPerAck)).toFixed(3).padStart(10)}`,
      );
    }
    for (const phase of phases.slice(1)) {
      const ratio = ratioOf(phase.name);
      console.log(`BENCH ${JSON.stringify({ figure: `acks/s, ${phase.name} ÷ no readers`, value: Math.round(ratio * 100) / 100, unit: 'ratio', goal: '≥ 0.8 (reads must not starve sending)', pass: ratio >= 0.8, ratio: null, baseline: null, note: `median of ${ROUNDS}; ${median(results.get(phase.name)!.map((r) => r.readsPerSecond)).toFixed(1)} reads/s` })}`);
    }
  } finally {
    await stack?.stop();
  }
}

// Exit when done: the Kafka client and stopped servers may leave handles open.
void main()
  .then(
    () => 0,
    (error: unknown) => (console.error(error), 1),
  )
  .then((code) => process.exit(code));

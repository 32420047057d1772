import { Kafka, logLevel, type Producer } from 'kafkajs';
import { getJson, type Cluster, type RoleNode } from '../../infra/cluster';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { createIdempotentProducer } from '../../core/kafka/client';
import { TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import type { Database } from '../../core/store';
import { daytimeZone } from '../helpers/events';

/** mulberry32: a small seeded generator, so a run's fault plan can be replayed (CANDOR_CLUSTER_SEED). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Resolves once `condition` holds (polled every `everyMs`), or rejects with `what` after `timeoutMs`. */
export async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      if (await condition()) return;
      last = '';
    } catch (error) {
      last = ` (last error: ${error instanceof Error ? error.message : String(error)})`;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One look at a role's /readyz: ready, not ready (with the checks that failed), or no answer at all. */
export interface ReadySample {
  at: number;
  state: 'ready' | 'not-ready' | 'down';
  failing: string[];
  /** What each failing check said (`name: error`), or why there was no answer. */
  errors: string[];
}

/** Polls every role's /readyz in the background and keeps what each said, for the fault windows. */
export class ReadinessWatch {
  readonly samples = new Map<string, ReadySample[]>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly roles: () => RoleNode[], private readonly everyMs = 300) {}

  start(): void {
    const tick = async () => {
      if (!this.running) return;
      await Promise.all(this.roles().map(async (role) => this.record(role.name, await sample(role.readyzUrl))));
      if (this.running) this.timer = setTimeout(() => void tick(), this.everyMs);
    };
    this.running = true;
    void tick();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private record(name: string, s: ReadySample): void {
    const list = this.samples.get(name) ?? [];
    list.push(s);
    this.samples.set(name, list);
  }

  /** Samples of `name` taken at or after `since`. */
  since(name: string, since: number): ReadySample[] {
    return (this.samples.get(name) ?? []).filter((s) => s.at >= since);
  }

  /** Whether `name` reported not being ready (or did not answer) since `since`, matching `test` when given. */
  reported(name: string, since: number, test: (s: ReadySample) => boolean = (s) => s.state !== 'ready'): boolean {
    return this.since(name, since).some((s) => s.state !== 'ready' && test(s));
  }

  /** Whether the last sample of every role is ready, and taken after `since`. */
  allReady(since: number): boolean {
    return this.roles().every((r) => {
      const last = this.samples.get(r.name)?.at(-1);
      return last !== undefined && last.at >= since && last.state === 'ready';
    });
  }

  /**
   * Every role whose last look was not ready (or older than `since`): its state, its failing checks and their
   * error texts, and since when it has been so; '' when every role is ready.
   */
  notReady(since: number): string {
    return this.roles()
      .flatMap((r) => {
        const list = this.samples.get(r.name) ?? [];
        const last = list.at(-1);
        if (last && last.at >= since && last.state === 'ready') return [];
        if (!last) return [`${r.name}: never looked at`];
        let first = list.length - 1;
        while (first > 0 && list[first - 1]!.state !== 'ready') first--;
        const forS = ((last.at - list[first]!.at) / 1000).toFixed(1);
        const what = last.state === 'down' ? `no answer (${last.errors.join('; ')})` : `not ready: ${last.errors.join('; ')}`;
        return [`${r.name}: ${what}, so for ${forS} s${last.at < since ? ' (last look older than the recovery)' : ''}`];
      })
      .join('; ');
  }

  /** A one-line summary per role of what it said since `since`: its not-ready spans and their failing checks. */
  describe(since: number): string {
    return this.roles()
      .map((r) => {
        const list = this.since(r.name, since);
        const bad = list.filter((s) => s.state !== 'ready');
        if (bad.length === 0) return `${r.name}: ready throughout (${list.length} looks)`;
        const why = [...new Set(bad.map((s) => (s.state === 'down' ? 'no answer' : s.failing.join('+'))))].join(', ');
        return `${r.name}: not ready in ${bad.length} of ${list.length} looks (${why}), ready again: ${list.at(-1)?.state === 'ready'}`;
      })
      .join('; ');
  }
}

async function sample(url: string): Promise<ReadySample> {
  const at = Date.now();
  try {
    const { status, body } = await getJson(url, 5000);
    const checks = (body as { checks?: { name: string; ok: boolean; error?: string }[] } | undefined)?.checks ?? [];
    const failed = checks.filter((c) => !c.ok);
    return { at, state: status === 200 ? 'ready' : 'not-ready', failing: failed.map((c) => c.name), errors: failed.map((c) => `${c.name}: ${c.error ?? 'failing'}`) };
  } catch (error) {
    return { at, state: 'down', failing: [], errors: [error instanceof Error ? String((error as { cause?: { code?: string } }).cause?.code ?? error.message) : String(error)] };
  }
}

/**
 * A steady producer of new applications (one `ats.application.created` each, the same event shape as the
 * other suites) at `perSecond`, keyed `{tenant}:{applicationId}`, idempotent with acks=all.
 */
export async function applicationStream(cluster: Cluster, tenant: string) {
  // Like an ATS platform's producer, it keeps retrying through a broker's death: the partitions that broker led
  // have no leader until the controller notices (broker.session.timeout.ms, 9 s), longer than kafkajs' default retries.
  const kafka = new Kafka({ clientId: 'candor-cluster-test', brokers: cluster.brokers, logLevel: logLevel.NOTHING, retry: { retries: 12, maxRetryTime: 5000 } });
  let producer: Producer = createIdempotentProducer(kafka);
  await producer.connect();
  // kafkajs can give a send up for good while the node it takes metadata from is dead (KafkaJSNonRetriableError caused by
  // ECONNREFUSED, seen when the killed node was the first of the list): then, like a platform's producer, it starts a
  // new producer and sends the same event again, for up to two minutes. Candor applies an event id once.
  const sendRetrying = async (message: { key: string; value: string }) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await producer.send({ topic: TOPIC_ATS_EVENTS, acks: -1, messages: [message] });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await producer.disconnect().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1000));
        producer = createIdempotentProducer(kafka);
        await producer.connect().catch(() => undefined);
      }
    }
  };
  const timeZone = daytimeZone();
  const produced: string[] = [];
  const created = exampleData('x')['ats.application.created'];
  const send = async (applicationId: string) => {
    const data = { ...created, application: { ...created.application, id: applicationId }, candidate: { ...created.candidate, id: `cand-${applicationId}`, timeZone } };
    const event = exampleEvent('ats.application.created', { tenant, applicationId, id: `${applicationId}-0`, data });
    await sendRetrying({ key: `${tenant}:${applicationId}`, value: JSON.stringify(event) });
    produced.push(applicationId);
  };
  return {
    produced,
    /**
     * Produces `count` applications named `{prefix}-{n}` at `perSecond`; `onEach(n)` runs after the n-th
     * (1-based) was acknowledged by Kafka and may hold the stream (a fault injected there) by returning a promise.
     */
    async run(prefix: string, count: number, perSecond: number, onEach?: (n: number) => Promise<void> | void): Promise<void> {
      const started = Date.now();
      for (let n = 1; n <= count; n++) {
        const due = started + ((n - 1) * 1000) / perSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        await send(`${prefix}-${n}`);
        await onEach?.(n);
      }
    },
    close: () => producer.disconnect(),
  };
}

/** Per application of `tenant`: acknowledgement rows in the outbox and the ledger (template applied.ack). */
export async function acknowledgements(db: Database, tenant: string): Promise<{ outbox: Map<string, number>; ledger: Map<string, number> }> {
  const count = async (sql: string) => new Map((await db.query<{ application_id: string; n: number }>(sql, [tenant])).rows.map((r) => [r.application_id, r.n]));
  const [outbox, ledger] = await Promise.all([
    count("select application_id, count(*)::int as n from outbox where tenant_id = $1 and template = 'applied.ack' group by application_id"),
    count("select application_id, count(*)::int as n from message_ledger where tenant_id = $1 and template = 'applied.ack' and status in ('accepted', 'delivered') group by application_id"),
  ]);
  return { outbox, ledger };
}

/** The consumer group's lag on `ats.events`: end offsets minus committed offsets, summed over partitions. */
export async function groupLag(cluster: Cluster, groupId: string): Promise<number> {
  const admin = new Kafka({ clientId: 'candor-cluster-lag', brokers: cluster.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(TOPIC_ATS_EVENTS), admin.fetchOffsets({ groupId, topics: [TOPIC_ATS_EVENTS] })]);
    const done = new Map(committed[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Math.max(0, done.get(p.partition) ?? 0)), 0);
  } finally {
    await admin.disconnect();
  }
}

import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { AssignerProtocol, Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { startProcess, tail, type ManagedProcess } from '../../infra/stack';
import { exampleEvent } from '../../core/events/examples';
import type { AtsEventType } from '../../core/events/schemas';
import { TOPIC_ATS_DLQ, TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import { ensureTenant, migrate, openPgliteDatabase } from '../../core/store';
import { journeyStatusQuery, journeyWorkflowId, type JourneyStatus } from '../../workflows/shared';
import { required } from './env';
import { testCodec } from './worker';
import { WORKER_NODE_ARGS } from '../../core/temporal/workflow-code';
import { createIdempotentProducer } from '../../core/kafka/client';

/** Test tooling for the ingest role: a private Temporal dev server, Kafka producers and watchers, child ingest processes. */

/** The environment value that makes a Candor process encrypt payloads like the test workers (see helpers/worker.ts). */
export const TEST_ENCRYPTION_KEYS = `test:${Buffer.alloc(32, 7).toString('base64')}`;

/** A kafkajs client on the test broker. */
export function testKafka(clientId = 'candor-ingest-test'): Kafka {
  return new Kafka({ clientId, brokers: required('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
}

/** An idempotent producer for `ats.events`. */
export async function atsProducer(kafka: Kafka): Promise<Producer & { sendEvents(events: { key: string | null; value: string }[]): Promise<void> }> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  return Object.assign(producer, {
    async sendEvents(events: { key: string | null; value: string }[]) {
      await producer.send({ topic: TOPIC_ATS_EVENTS, acks: -1, messages: events });
    },
  });
}

/** One application's script of events with predictable ids (`{applicationId}-{n}`), as Kafka messages. */
export function applicationEvents(tenant: string, applicationId: string, types: AtsEventType[]): { key: string; value: string; id: string }[] {
  return types.map((type, n) => {
    const id = `${applicationId}-${n}`;
    return { key: `${tenant}:${applicationId}`, value: JSON.stringify(exampleEvent(type, { tenant, applicationId, id })), id };
  });
}

/** Types for an application with `n` events that stays open: created, then candidate updates. */
export const openScript = (n: number): AtsEventType[] => ['ats.application.created', ...Array.from({ length: n - 1 }, () => 'ats.candidate.updated' as const)];

/**
 * Collects dead-lettered messages whose body contains `marker`; `next(n)` waits for the n-th. `from`: only those the
 * ingest of that consumer group dead-lettered (other test files' ingest roles read the same topic, and may reject our
 * event for reasons of their own, e.g. `unknown-tenant`, while they run beside ours).
 */
export async function dlqWatcher(kafka: Kafka, groupId: string, marker: string, from?: string) {
  const consumer: Consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC_ATS_DLQ, fromBeginning: true });
  const seen: { value: string; headers: Record<string, string> }[] = [];
  const waiters: (() => void)[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = message.value?.toString('utf8') ?? '';
      if (!value.includes(marker)) return;
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      if (from !== undefined && headers['candor-consumer-group'] !== from) return;
      // Other test files' ingest roles read the same topic and may dead-letter our message too; keep one per offset.
      if (seen.some((s) => s.headers['candor-original-offset'] === headers['candor-original-offset'])) return;
      seen.push({ value, headers });
      waiters.splice(0).forEach((w) => w());
    },
  });
  return {
    seen,
    async waitFor(count: number) {
      while (seen.length < count) await new Promise<void>((r) => waiters.push(r));
      return seen;
    },
    close: () => consumer.disconnect(),
  };
}

/** Polls journeys' status queries until `done` holds for all of them (a journey exists only once ingest signalled it). */
export async function waitForJourneys(client: Client, tenant: string, applicationIds: string[], done: (status: JourneyStatus) => boolean, timeoutMs = 120_000): Promise<Map<string, JourneyStatus>> {
  const deadline = Date.now() + timeoutMs;
  const statuses = new Map<string, JourneyStatus>();
  for (;;) {
    await Promise.all(
      applicationIds.map(async (id) => {
        if (statuses.has(id) && done(statuses.get(id)!)) return;
        try {
          statuses.set(id, await client.workflow.getHandle(journeyWorkflowId(tenant, id)).query(journeyStatusQuery));
        } catch {
          // not started yet, or the server is restarting
        }
      }),
    );
    const pending = applicationIds.filter((id) => !statuses.has(id) || !done(statuses.get(id)!));
    if (pending.length === 0) return statuses;
    if (Date.now() > deadline) {
      throw new Error(`${pending.length} of ${applicationIds.length} journeys not done in ${timeoutMs} ms; e.g. ${pending[0]}: ${JSON.stringify(statuses.get(pending[0]!) ?? 'not started')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The ATS event ids a journey was signalled with, in the order Temporal recorded them (duplicates included). */
export async function signalledEventIds(client: Client, tenant: string, applicationId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(journeyWorkflowId(tenant, applicationId)).fetchHistory();
  const ids: string[] = [];
  for (const event of history.events ?? []) {
    const attributes = event.workflowExecutionSignaledEventAttributes;
    if (attributes?.signalName !== 'atsEvent') continue;
    const payloads = await testCodec.decode(attributes.input?.payloads ?? []);
    ids.push(defaultPayloadConverter.fromPayload<{ id: string }>(payloads[0]!).id);
  }
  return ids;
}

/** Removes repeats, keeping first occurrences in order. */
export const firstOccurrences = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) === i);

/** Which partitions each member of a consumer group holds right now. */
export async function groupAssignments(kafka: Kafka, groupId: string): Promise<number[][]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return (groups[0]?.members ?? []).map((m) => {
      const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      return Object.values(assignment?.assignment ?? {}).flat();
    });
  } finally {
    await admin.disconnect();
  }
}

/** A CANDOR_DATA_DIR whose embedded database is migrated and holds `tenants`; spawned roles start from a copy. */
export async function seededDataDir(tenants: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'candor-seed-'));
  const db = await openPgliteDatabase(join(dir, 'pglite'));
  await migrate(db);
  for (const id of tenants) await ensureTenant(db, { id, name: id });
  await db.close();
  return dir;
}

/** A real ingest process (spawnRole with CANDOR_ROLE=ingest and its own consumer group). */
export function spawnIngest(options: { name: string; temporalAddress: string; taskQueue: string; groupId: string; logDir: string; seed?: string }): ManagedProcess & { dataDir: string } {
  return spawnRole('ingest', { ...options, env: { KAFKA_GROUP_ID: options.groupId } });
}

/**
 * A real Candor role in its own process, launched as production launches it (`node` with WORKER_NODE_ARGS, then
 * `--import tsx services/main.ts`), its data dir a copy of `seed` (see seededDataDir); `env` adds to its environment.
 */
export function spawnRole(
  role: 'ingest' | 'worker',
  options: { name: string; temporalAddress: string; taskQueue: string; logDir: string; seed?: string; env?: Record<string, string> },
): ManagedProcess & { dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), `candor-${options.name}-`));
  if (options.seed) cpSync(options.seed, dataDir, { recursive: true });
  const proc = startProcess({
    name: options.name,
    command: process.execPath,
    args: [...WORKER_NODE_ARGS, '--import', 'tsx', 'services/main.ts'],
    cwd: join(__dirname, '..', '..'),
    logFile: join(options.logDir, `${options.name}.log`),
    env: {
      PATH: process.env.PATH,
      CANDOR_ROLE: role,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      KAFKA_BROKERS: required('KAFKA_BROKERS'),
      KAFKA_CLIENT_ID: options.name,
      CANDOR_DATA_DIR: dataDir,
      CANDOR_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  return Object.assign(proc, { dataDir });
}

/** Resolves once the process's log says it is consuming (or rejects with its log when it died first). */
export async function untilConsuming(proc: ManagedProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!tail(proc.logFile, 200).includes('ingest consuming')) {
    if (proc.hasExited() || Date.now() > deadline) throw new Error(`${proc.name} did not start consuming:\n${tail(proc.logFile, 30)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

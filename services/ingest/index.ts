import { type Admin, type Consumer, type EachBatchPayload, type IHeaders, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { Registry } from 'prom-client';
import type { Config } from '../../core/config';
import { parseAtsEvent, type EnvelopeProblem } from '../../core/events/envelope';
import { createKafka, createIdempotentProducer } from '../../core/kafka/client';
import { TOPIC_ATS_DLQ, TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import type { Logger } from '../../core/logger';
import { contextFromHeaders, inSpan, SpanKind, startTracing, type Span } from '../../core/telemetry';
import { JourneyClosedError, startOrSignalJourney } from '../../core/temporal/journeys';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { initialJourney, journeyChoice } from '../../core/journeys/published';
import type { DeliveryResult, InitialJourney, JourneyEvent } from '../../workflows/shared';
import type { DeliverRequest } from '../../workflows/contracts';
import { firstMessageOf } from '../../workflows/first-message';
import type { DefinitionReferenceCodec } from '../../core/temporal/definition-references';
import type { CarriedWrite, Queryable } from '../../core/store/database';
import { admitApplicationEvent, peopleFromEvent } from '../../core/store/people';
import { journeyBoardWrite } from '../../core/store/board';
import { recordOfferedSlots, SlotConflictError } from '../../core/store/interview-slots';
import { notConsumingReason, strays, trackConsumer } from './consumer-health';
import { knownTenants } from './known-tenants';
import { ingestMetrics, type IngestMetrics } from './metrics';
import { Semaphore, processPartitionBatch } from './partition-batch';

export { TOPIC_ATS_DLQ, TOPIC_ATS_EVENTS } from '../../core/kafka/topics';

/** A running ingest role. */
export interface IngestRole {
  /** Resolves when the consumer is consuming (joined, holding partitions or a spare member); rejects saying why not. */
  check(): Promise<void>;
  /** Stops fetching, lets in-flight signals finish, commits what Temporal accepted, disconnects. */
  close(): Promise<void>;
}

/** Tuning knobs with production defaults; tests and the benchmark override some. */
export interface IngestOptions {
  /** The topic to consume; `ats.events` by contract (the benchmark uses a private one). */
  topic?: string;
  /** Signals in flight at once across all partitions. */
  maxInFlight?: number;
  /** One attempt's deadline; a slower Temporal counts as unreachable. */
  signalTimeoutMs?: number;
  /** Pause after a failed signal: doubles per consecutive failure of a partition, up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** The consumer's group session timeout (10 s): how long a vanished member holds its partitions. */
  sessionTimeoutMs?: number;
  /**
   * How often the offsets of accepted events are committed to Kafka (1,000 ms); 0 commits after every batch of a
   * partition, as kafkajs's automatic commit does. Events accepted since the last commit are read again after a crash or a
   * rebalance (ingest takes an event twice as once).
   */
  commitIntervalMs?: number;
}

/**
 * How long one event waits for the acknowledgement ingest sends for it (a provider answers in tens of milliseconds;
 * one that hangs is cut off at its 10 s request timeout): past this the event is done and the send finishes on its own.
 */
export const ACK_WAIT_MS = 2_000;

/** Why a message went to the dead-letter topic. */
export type DeadLetterReason = EnvelopeProblem['reason'] | 'unknown-tenant' | 'application-erased' | 'rejected-by-temporal' | 'journey-closed' | 'slot-conflict';

class TransientError extends Error {
  override name = 'TransientError';
}

const headerValue = (value: string) => Buffer.from(value, 'utf8');

/**
 * Consumes `ats.events` and hands each valid event to its application's journey (signalWithStart).
 *
 * - Order: one application's events (one message key) are signalled strictly in offset order;
 *   different applications proceed in parallel, up to `maxInFlight` signals at once.
 * - Loss-free: a partition's offset is resolved, and so committed, only up to the last message before
 *   the first one Temporal has not accepted. A crash or rebalance redelivers the rest; the journey
 *   drops events it has already applied by their CloudEvents id.
 * - Temporal unreachable: the failing partition is paused and fetched again from its first
 *   unfinished offset after an exponential backoff; nothing is committed past it and nothing crashes.
 * - Invalid input (not JSON, bad envelope, unknown type, bad data, wrong key, a tenant that does not
 *   exist, an application whose candidate was erased) goes to `ats.events.dlq` with the original bytes
 *   and headers naming the reason and the position.
 */
export async function startIngest(
  config: Config,
  deps: {
    logger: Logger;
    temporal: Client;
    db: Queryable;
    registry?: Registry;
    kafka?: Kafka;
    /**
     * Sends a message through the send path and ledger (activities' createMessageSender): given, ingest sends a journey's
     * acknowledgement as soon as Temporal has started the journey with its application (the journey finds it sent),
     * with the journey's first record carried by the send's first statement.
     */
    acknowledge?: (request: DeliverRequest, options?: { carried?: readonly CarriedWrite[] }) => Promise<DeliveryResult>;
    /** Given, a new journey's start names its resolved definition by digest (the client's payload codec; TEMPORAL_DEFINITION_REFERENCES). */
    definitions?: Pick<DefinitionReferenceCodec, 'offer'>;
  },
  options: IngestOptions = {},
): Promise<IngestRole> {
  const logger = deps.logger.child({ role: 'ingest' });
  const topic = options.topic ?? TOPIC_ATS_EVENTS;
  const signalTimeoutMs = options.signalTimeoutMs ?? 10_000;
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const metrics: IngestMetrics = ingestMetrics(deps.registry ?? new Registry());
  const limit = new Semaphore(options.maxInFlight ?? 64);
  const commitIntervalMs = options.commitIntervalMs ?? 1_000;
  const kafka = deps.kafka ?? createKafka(config, logger, 'ingest');
  const tenantKnown = knownTenants(deps.db);
  // The shipped journeys (journeys/*.yaml), for resolving a new application's journey as ingest starts it.
  const shipped = loadDefaultJourneys();

  const consumer: Consumer = kafka.consumer({
    groupId: config.kafka.groupId,
    // After a broker restart the coordinator waits for the members it remembers to rejoin or time out
    // before a restarted consumer (a new member) gets partitions: the session timeout bounds that wait.
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: 1_000,
    // kafkajs retries its own failures (broker gone, coordinator moving) forever instead of crashing the
    // role; a short ceiling on the backoff finds a returning broker within about a second.
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 1_000, restartOnFailure: async () => !closing },
  });
  const health = trackConsumer(consumer, topic);
  const producer: Producer = createIdempotentProducer(kafka);

  const backoffs = new Map<number, number>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  let closing = false;

  const deadLetter = async (partition: number, message: KafkaMessage, reason: DeadLetterReason, detail: string) => {
    const headers: IHeaders = {
      ...message.headers,
      'candor-error-reason': headerValue(reason),
      'candor-error': headerValue(detail.slice(0, 2000)),
      'candor-original-topic': headerValue(topic),
      'candor-original-partition': headerValue(String(partition)),
      'candor-original-offset': headerValue(message.offset),
      'candor-original-timestamp': headerValue(message.timestamp),
      // Which deployment rejected it, when more than one consumer group reads the topic (staging beside production).
      'candor-consumer-group': headerValue(config.kafka.groupId),
    };
    try {
      await producer.send({ topic: TOPIC_ATS_DLQ, acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    } catch (error) {
      throw new TransientError(`could not write to ${TOPIC_ATS_DLQ}: ${error instanceof Error ? error.message : String(error)}`);
    }
    metrics.deadLettered.inc({ reason });
    // Reason and position only: the message itself may hold personal data.
    logger.warn({ reason, topic, partition, offset: message.offset }, 'event dead-lettered');
  };

  // With OTEL_EXPORTER_OTLP_ENDPOINT each message gets a consumer span (continuing a traceparent header), the root of
  // its journey's trace: the client carries it into the workflow. Ids only, like the logs.
  const tracing = startTracing(config);
  const handle = (partition: number) => (message: KafkaMessage) =>
    inSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        parent: contextFromHeaders(message.headers),
        attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.destination.partition.id': String(partition), 'messaging.kafka.offset': Number(message.offset) },
      },
      (span) => handleMessage(partition, message, span),
    );
  const handleMessage = async (partition: number, message: KafkaMessage, span: Span) => {
    metrics.consumed.inc({ topic });
    const parsed = parseAtsEvent(message.value, message.key);
    if (!parsed.ok) return deadLetter(partition, message, parsed.problem.reason, parsed.problem.detail);
    const event = parsed.event;
    span.setAttributes({ 'candor.tenant': event.tenant, 'candor.application_id': event.subject, 'candor.event_id': event.id, 'candor.event_type': event.type });
    let known: boolean;
    try {
      known = await tenantKnown(event.tenant);
    } catch (error) {
      // The database is unreachable: like Temporal being down, retry without committing past this event.
      throw new TransientError(`could not look up the tenant: ${error instanceof Error ? error.message : String(error)}`);
    }
    // Never start a journey (and send messages) in the name of a tenant nobody created.
    if (!known) return deadLetter(partition, message, 'unknown-tenant', `tenant "${event.tenant}" does not exist`);
    // An erased candidate's journey history is deleted, so a late event (a vendor's retry of an older
    // delivery) would start a new journey holding their details again: it is refused. A repeated erasure passes through.
    if (event.type !== 'ats.candidate.erased') {
      // The board's names and job, and the recruiter alerts go to, sealed where the event arrives (README: "Names
      // on the board"): the journey never needs them, and one application's events come here in order.
      let admitted: Awaited<ReturnType<typeof admitApplicationEvent>>;
      try {
        admitted = await admitApplicationEvent(deps.db, event.tenant, event.subject, peopleFromEvent(event.data), { likelyNew: event.type === 'ats.application.created' });
      } catch (error) {
        throw new TransientError(`could not look up erasures or store the application's names: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (admitted === 'erased') return deadLetter(partition, message, 'application-erased', `application of tenant "${event.tenant}" was erased; its events are not applied`);
      // Offered interview slots go to the store first, so the status page can show them once the journey has told the candidate.
      if (event.type === 'ats.interview.slots_offered') {
        try {
          await recordOfferedSlots(deps.db, event.tenant, event.subject, event.data);
        } catch (error) {
          if (error instanceof SlotConflictError) return deadLetter(partition, message, 'slot-conflict', error.message);
          throw new TransientError(`could not store the offered interview slots: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    // A new application's journey is resolved here and handed to the journey with its start, so its first workflow task
    // needs no local activity for it (the journey resolves it itself for any other first event).
    let initial: InitialJourney | undefined;
    if (event.type === 'ats.application.created') {
      try {
        initial = await initialJourney(deps.db, shipped, { tenant: event.tenant, ...journeyChoice(event.data) }, Date.now());
        // Tenant and version name the definition's content (a published version never changes; a shipped one not while this
        // process runs); should the text differ anyway, the codec finds no match and the input goes inline.
        deps.definitions?.offer(`${event.tenant}\u0000${initial.version}`, initial.definition);
      } catch (error) {
        throw new TransientError(`could not resolve the journey: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const journeyEvent: JourneyEvent = { id: event.id, type: event.type, time: event.time, data: event.data };
    let started: boolean | undefined;
    try {
      ({ started } = await deps.temporal.withDeadline(Date.now() + signalTimeoutMs, () =>
        startOrSignalJourney(deps.temporal, config.temporal.taskQueue, { tenant: event.tenant, applicationId: event.subject }, journeyEvent, initial ? { initial } : {}),
      ));
    } catch (error) {
      // A late event for a journey that has ended: nothing to apply, and retrying cannot change that.
      if (error instanceof JourneyClosedError) return deadLetter(partition, message, 'journey-closed', error.message);
      const grpc = isGrpcServiceError(error) ? error : isGrpcServiceError((error as { cause?: unknown }).cause) ? (error as { cause: { code: number } }).cause : undefined;
      // INVALID_ARGUMENT (3): Temporal will never take this event (e.g. too large); retrying would block the partition forever.
      if (grpc?.code === 3) return deadLetter(partition, message, 'rejected-by-temporal', error instanceof Error ? error.message : String(error));
      metrics.signalFailures.inc();
      throw new TransientError(error instanceof Error ? error.message : String(error));
    }
    metrics.signalled.inc({ type: event.type });
    const producedAt = Number(message.timestamp);
    if (Number.isFinite(producedAt) && producedAt > 0) metrics.eventToSignal.observe(Math.max(0, Date.now() - producedAt) / 1000);
    // The journey now exists, durably, with this application as its first event: its acknowledgement can go.
    if (initial && started === true && deps.acknowledge) await awaitAcknowledgement(acknowledge(event.tenant, event.subject, journeyEvent, initial));
  };

  // Acknowledgements still being sent: the event waits for its own up to ACK_WAIT_MS (the send goes on meanwhile), so a
  // provider that answers slowly slows ingestion by at most that much per event; close() lets them finish.
  const sendingAcks = new Set<Promise<void>>();
  const awaitAcknowledgement = async (attempt: Promise<void>) => {
    // Never fails the event, whatever went wrong: the journey sends it then.
    const sending = attempt.catch((error: unknown) => {
      metrics.acknowledgements.inc({ outcome: 'left-to-journey', reason: 'error' });
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'acknowledgement failed unexpectedly; left to the journey');
    });
    sendingAcks.add(sending);
    void sending.finally(() => sendingAcks.delete(sending));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, ACK_WAIT_MS)));
    await Promise.race([sending, waited]);
    clearTimeout(timer);
  };

  /**
   * Sends a new journey's first message (its acknowledgement) as the journey's first decision would, through the same
   * send path and ledger, so the journey finds it sent. Never fails the event: whatever goes wrong here (quiet hours, an
   * opt-out, a provider saying "later", the journey's worker sending it at this very moment) leaves the message to the
   * journey, which sends it, retries it or falls back as it always does.
   */
  const acknowledge = async (tenant: string, applicationId: string, journeyEvent: JourneyEvent, initial: InitialJourney) => {
    const first = firstMessageOf({ tenant, applicationId, event: journeyEvent, initial, now: Date.now() });
    if (!first) {
      metrics.acknowledgements.inc({ outcome: 'none', reason: '' });
      return;
    }
    const { request, record } = first;
    // The decision's record goes with the send's first statement, as the journey writes it before sending: the board,
    // the application's status and timeline, and the status page the message links to show the journey at once. The
    // journey's own record replaces it; should this write fail, the send goes on without it and the journey records it.
    try {
      await deps.acknowledge!(request, { carried: [journeyBoardWrite(record)] });
      metrics.acknowledgements.inc({ outcome: 'sent', reason: '' });
    } catch (error) {
      const reason = typeof (error as { type?: unknown }).type === 'string' ? (error as { type: string }).type : 'error';
      metrics.acknowledgements.inc({ outcome: 'left-to-journey', reason });
      logger.info({ tenant, messageId: request.messageId, channel: request.channel, reason }, 'acknowledgement left to the journey');
    }
  };

  // Offsets are committed on an interval, not after every batch: kafkajs's automatic commit sends one OffsetCommit per
  // partition batch and waits for it before the next fetch, which at a steady rate is a commit per event or two.
  // `uncommitted` holds, per partition, the offset after the last event Temporal accepted and Kafka has not been told of.
  const uncommitted = new Map<number, number>();
  const accepted = (partition: number, next: number) => {
    if (next > (uncommitted.get(partition) ?? -1)) uncommitted.set(partition, next);
  };
  let committing: Promise<void> = Promise.resolve();
  type CommitOffsets = (partitions: { partition: number; offset: string }[]) => Promise<unknown>;
  const commitAccepted = (commit: CommitOffsets): Promise<void> =>
    (committing = committing.then(async () => {
      if (uncommitted.size === 0) return;
      const offsets = [...uncommitted];
      try {
        await commit(offsets.map(([partition, offset]) => ({ partition, offset: String(offset) })));
        for (const [partition, offset] of offsets) if (uncommitted.get(partition) === offset) uncommitted.delete(partition);
      } catch (error) {
        // Kept for the next attempt; a rebalance meanwhile drops the partitions this member no longer holds.
        logger.warn({ topic, partitions: offsets.map(([partition]) => partition), error: error instanceof Error ? error.message : String(error) }, 'could not commit ingest offsets; will try again');
      }
    }));
  const throughConsumer: CommitOffsets = (partitions) => consumer.commitOffsets(partitions.map((p) => ({ topic, ...p })));
  const commitTimer =
    commitIntervalMs > 0
      ? setInterval(() => {
          if (!closing) void commitAccepted(throughConsumer);
        }, commitIntervalMs)
      : undefined;
  commitTimer?.unref();

  const eachBatch = async (payload: EachBatchPayload) => {
    const { batch } = payload;
    const { partition } = batch;
    const outcome = await processPartitionBatch({
      messages: batch.messages,
      handle: handle(partition),
      resolveOffset: (offset) => payload.resolveOffset(offset),
      heartbeat: () => payload.heartbeat(),
      isRunning: () => payload.isRunning() && !closing,
      limit,
    });
    const next = outcome.status === 'done' ? Number(batch.lastOffset()) + 1 : outcome.resolvedOffset !== undefined ? Number(outcome.resolvedOffset) + 1 : Number(batch.firstOffset());
    metrics.lag.set({ topic, partition: String(partition) }, Math.max(0, Number(batch.highWatermark) - next));
    if (outcome.status === 'done' || outcome.resolvedOffset !== undefined) accepted(partition, next);
    // Stopping (close, a rebalance) or committing every batch: commit now, through this batch's own call, which kafkajs
    // still carries out while the consumer stops (its consumer.commitOffsets does not).
    if (closing || outcome.status === 'stopped' || commitIntervalMs === 0) await commitAccepted((partitions) => payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions }] }));
    if (outcome.status === 'done') {
      backoffs.delete(partition);
      return;
    }
    if (outcome.status === 'stopped') {
      // A heartbeat error means the group is rebalancing: what was accepted was committed above; kafkajs rejoins.
      if (outcome.error !== undefined) throw outcome.error instanceof Error ? outcome.error : new Error('kafka heartbeat failed', { cause: outcome.error });
      return;
    }
    const attempt = (backoffs.get(partition) ?? 0) + 1;
    backoffs.set(partition, attempt);
    const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
    logger.warn(
      { topic, partition, nextOffset: next, attempt, retryInMs: delay, error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error) },
      'Temporal did not accept an event; partition paused, will retry without committing past it',
    );
    const resume = payload.pause();
    metrics.pausedPartitions.inc();
    const timer = setTimeout(() => {
      resumeTimers.delete(timer);
      metrics.pausedPartitions.dec();
      if (!closing) resume();
    }, delay);
    resumeTimers.add(timer);
  };

  // No automatic commit: see `commitAccepted` above.
  const run = () => consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 16, eachBatch });
  let restartTimer: NodeJS.Timeout | undefined;
  const restartLater = (delayMs: number) => {
    restartTimer = setTimeout(() => {
      if (closing) return;
      run().catch((error: unknown) => {
        logger.error({ err: error }, 'ingest consumer could not restart; trying again');
        restartLater(Math.min(delayMs * 2, 10_000));
      });
    }, delayMs);
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (closing) return;
    logger.error({ err: payload.error, restart: payload.restart }, 'ingest consumer crashed');
    // kafkajs restarts the consumer only after errors it deems retriable; any other crash would leave
    // the role alive but consuming nothing, so restart it here.
    if (!payload.restart) restartLater(1_000);
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    // Offsets of partitions this member no longer holds are not committed: their new owner reads those events again.
    const held = new Set(payload.memberAssignment[topic] ?? []);
    for (const partition of [...uncommitted.keys()]) if (!held.has(partition)) uncommitted.delete(partition);
    logger.info({ topic, partitions: payload.memberAssignment[topic] ?? [], durationMs: payload.duration }, 'ingest consumer joined its group');
  });
  // After a failed rejoin kafkajs may fetch outside its group and not rejoin by itself (consumer-health: strays):
  // a consumer that does so for a session timeout is stopped and run again, which joins the group afresh.
  let rejoining = false;
  const strayWatch = setInterval(() => {
    if (closing || rejoining || !strays(health, options.sessionTimeoutMs ?? 10_000)) return;
    rejoining = true;
    logger.warn({ topic, groupId: config.kafka.groupId }, 'ingest consumer gave up rejoining its group and fetches outside it; restarting it to rejoin');
    consumer
      .stop()
      .then(() => (closing ? undefined : run()))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'ingest consumer could not restart to rejoin its group; trying again');
        restartLater(1_000);
      })
      .finally(() => void (rejoining = false));
  }, 1_000);
  strayWatch.unref();

  let admin: Admin | undefined;
  const groupSize = async () => {
    admin ??= kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    const [{ groups }, metadata] = await Promise.all([admin.describeGroups([config.kafka.groupId]), admin.fetchTopicMetadata({ topics: [topic] })]);
    return { members: groups[0]?.members.length ?? 0, partitions: metadata.topics[0]?.partitions.length ?? 0 };
  };

  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await run();
  logger.info({ topic, groupId: config.kafka.groupId }, 'ingest consuming');

  return {
    async check() {
      const reason = await notConsumingReason(health, groupSize);
      if (reason) throw new Error(reason);
    },
    async close() {
      closing = true;
      clearInterval(commitTimer);
      // What was accepted so far is committed while the consumer still runs; batches still in flight stop early and
      // commit theirs as they end (they see `closing`). A broker that does not answer holds the close up for at most
      // 5 s: what was not committed is read again by the next member.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([commitAccepted(throughConsumer), new Promise<void>((resolve) => (waited = setTimeout(resolve, 5_000)))]);
      clearTimeout(waited);
      clearInterval(strayWatch);
      clearTimeout(restartTimer);
      for (const timer of resumeTimers) clearTimeout(timer);
      metrics.pausedPartitions.dec(resumeTimers.size);
      resumeTimers.clear();
      await consumer.disconnect();
      await Promise.allSettled([...sendingAcks]);
      await producer.disconnect();
      await admin?.disconnect();
      await tracing?.flush();
    },
  };
}

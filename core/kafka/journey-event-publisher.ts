import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { eventKey } from '../events/envelope';
import { toJourneyCloudEvent, type JourneyCloudEvent, type JourneyEventInput } from '../events/journey-events';
import { TOPIC_JOURNEY_EVENTS } from './topics';
import { connectOnFirstUse, createIdempotentProducer } from './client';

/** Publishes journey events to `candor.journey-events`. */
export interface JourneyEventPublisher {
  /** Validates, wraps and sends one event; resolves once the broker acknowledged it (all in-sync replicas). */
  publish(event: JourneyEventInput): Promise<JourneyCloudEvent>;
  close(): Promise<void>;
}

/** Events written by one produce request at most (each a few hundred bytes, far below a request's 1 MB). */
const MAX_BATCH = 500;

interface Pending {
  message: Message;
  event: JourneyCloudEvent;
  resolve: (event: JourneyCloudEvent) => void;
  reject: (error: unknown) => void;
}

/**
 * A producer for journey events, keyed `{tenant}:{applicationId}` so one application's events stay
 * ordered. Idempotent: a kafkajs-level retry never writes a message twice; an activity-level retry
 * writes the same CloudEvents id again, which consumers dedupe. Connects on the first publish.
 *
 * One produce request is under way at a time; the events published meanwhile (by every journey the worker
 * runs) go together in the next one, in the order they were published. Alone, an event goes at once; under
 * load, many journeys share one request instead of queueing one request each behind the broker's answer.
 * A request that fails fails each of its events' `publish` (the activity that published it retries).
 */
export function createJourneyEventPublisher(kafka: Kafka): JourneyEventPublisher {
  const producer: Producer = createIdempotentProducer(kafka);
  const connection = connectOnFirstUse(producer);
  const queue: Pending[] = [];
  let sending: Promise<void> | undefined;

  const sendQueued = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        await connection.connect();
        await producer.send({ topic: TOPIC_JOURNEY_EVENTS, acks: -1, compression: CompressionTypes.None, messages: batch.map((p) => p.message) });
        for (const p of batch) p.resolve(p.event);
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    sending = undefined;
  };

  return {
    publish(input) {
      let event: JourneyCloudEvent;
      try {
        event = toJourneyCloudEvent(input);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      const message: Message = { key: eventKey(event.tenant, event.subject), value: JSON.stringify(event), headers: { 'ce-type': event.type, 'ce-id': event.id } };
      const acknowledged = new Promise<JourneyCloudEvent>((resolve, reject) => queue.push({ message, event, resolve, reject }));
      sending ??= sendQueued();
      return acknowledged;
    },
    async close() {
      await sending;
      await connection.started()?.catch(() => undefined);
      await producer.disconnect();
    },
  };
}

import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
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

/**
 * A producer for journey events, keyed `{tenant}:{applicationId}` so one application's events stay
 * ordered. Idempotent: a kafkajs-level retry never writes a message twice; an activity-level retry
 * writes the same CloudEvents id again, which consumers dedupe. Connects on the first publish.
 */
export function createJourneyEventPublisher(kafka: Kafka): JourneyEventPublisher {
  const producer: Producer = createIdempotentProducer(kafka);
  const connection = connectOnFirstUse(producer);
  return {
    async publish(input) {
      const event = toJourneyCloudEvent(input);
      await connection.connect();
      await producer.send({
        topic: TOPIC_JOURNEY_EVENTS,
        acks: -1,
        compression: CompressionTypes.None,
        messages: [{ key: eventKey(event.tenant, event.subject), value: JSON.stringify(event), headers: { 'ce-type': event.type, 'ce-id': event.id } }],
      });
      return event;
    },
    async close() {
      await connection.started()?.catch(() => undefined);
      await producer.disconnect();
    },
  };
}

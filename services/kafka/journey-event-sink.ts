import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { JourneyEventOut, JourneyEventSink } from '../../activities';

/** The outbound topic of the contract. */
export const TOPIC_JOURNEY_EVENTS = 'candor.journey-events';

/**
 * Publishes journey events to `candor.journey-events` as CloudEvents 1.0 (structured JSON), keyed
 * `{tenant}:{applicationId}` so one application's events stay ordered.
 */
export async function createJourneyEventSink(kafka: Kafka): Promise<JourneyEventSink & { close(): Promise<void> }> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return {
    async publish(event: JourneyEventOut) {
      await producer.send({
        topic: TOPIC_JOURNEY_EVENTS,
        messages: [
          {
            key: `${event.tenant}:${event.applicationId}`,
            value: JSON.stringify({
              specversion: '1.0',
              id: event.id,
              source: `candor/${event.tenant}`,
              type: event.type,
              time: event.time,
              subject: event.applicationId,
              tenant: event.tenant,
              datacontenttype: 'application/json',
              data: event.data,
            }),
            headers: { 'ce-type': event.type, 'ce-id': event.id },
          },
        ],
      });
    },
    close: () => producer.disconnect(),
  };
}

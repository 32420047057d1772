import { Partitioners, type Consumer, type Producer, type KafkaMessage } from 'kafkajs';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { parseAtsEvent } from '../events/envelope';
import { createKafka } from '../kafka/client';
import type { Logger } from '../logger';
import { signalJourney } from '../temporal/journeys';

/** Topic names of the contract. */
export const TOPIC_ATS_EVENTS = 'ats.events';
export const TOPIC_ATS_DLQ = 'ats.events.dlq';

/** A running ingest role. */
export interface IngestRole {
  close(): Promise<void>;
}

/**
 * Consumes `ats.events`: invalid messages go to the DLQ with the reason; each valid event is handed
 * to its application's journey with signalWithStart. Offsets are committed by kafkajs only for
 * messages whose handler resolved, so an event is never committed before Temporal accepted it;
 * a failing signal throws, and kafkajs retries the same message (per-partition order is kept).
 */
export async function startIngest(config: Config, deps: { logger: Logger; temporal: Client }): Promise<IngestRole> {
  const kafka = createKafka(config, deps.logger, 'ingest');
  const consumer: Consumer = kafka.consumer({ groupId: config.kafka.groupId, retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 } });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC_ATS_EVENTS, fromBeginning: true });

  const handle = async (topic: string, partition: number, message: KafkaMessage): Promise<void> => {
    const parsed = parseAtsEvent(message.value);
    if (!parsed.ok) {
      await producer.send({
        topic: TOPIC_ATS_DLQ,
        messages: [
          {
            key: message.key,
            value: message.value,
            headers: {
              ...message.headers,
              'candor-error-reason': parsed.problem.reason,
              'candor-error': parsed.problem.detail.slice(0, 2000),
              'candor-original-topic': topic,
              'candor-original-partition': String(partition),
              'candor-original-offset': message.offset,
            },
          },
        ],
      });
      deps.logger.warn({ reason: parsed.problem.reason, partition, offset: message.offset }, 'event dead-lettered');
      return;
    }
    const event = parsed.event;
    await signalJourney(deps.temporal, config.temporal.taskQueue, { tenant: event.tenant, applicationId: event.subject }, {
      id: event.id,
      type: event.type,
      time: event.time,
      data: event.data,
    });
  };

  await consumer.run({
    autoCommit: true,
    eachMessage: async ({ topic, partition, message }) => handle(topic, partition, message),
  });
  deps.logger.info({ topic: TOPIC_ATS_EVENTS, groupId: config.kafka.groupId }, 'ingest consuming');
  return {
    async close() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

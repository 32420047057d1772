import { Kafka, logLevel, Partitioners, type LogEntry, type Producer } from 'kafkajs';
import type { Config } from '../config';
import type { Logger } from '../logger';

/**
 * kafkajs logs every request it retries (a group coordinator still loading, a leader moving) at
 * ERROR. Those heal themselves; a failure that exhausts retries reaches our code as an exception,
 * which is logged at error there. So kafkajs' own lines are demoted one level into our logger.
 */
// Broker states that clear by themselves within seconds (a fresh broker's group coordinator loading).
const TRANSIENT = /coordinator is loading|coordinator is not available|not the correct coordinator|leader not available|rebalance in progress/i;

function logCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...rest } = log;
      const fields = { kafka: { broker: rest.broker as unknown, error: rest.error as unknown, clientId: rest.clientId as unknown } };
      if (level === logLevel.ERROR && TRANSIENT.test(String(rest.error ?? ''))) logger.info(fields, `kafka: ${message}`);
      else if (level === logLevel.ERROR) logger.warn(fields, `kafka: ${message}`);
      else if (level === logLevel.WARN) logger.info(fields, `kafka: ${message}`);
      else logger.debug(fields, `kafka: ${message}`);
    };
}

/** A kafkajs client for one role, logging through pino. */
export function createKafka(config: Pick<Config, 'kafka'>, logger: Logger, role: string): Kafka {
  return new Kafka({
    clientId: `${config.kafka.clientId}-${role}`,
    brokers: config.kafka.brokers,
    logLevel: logLevel.INFO,
    logCreator: logCreator(logger),
  });
}

/**
 * The one idempotent producer: kafkajs never writes a message twice on its own retries, one request in
 * flight keeps a partition's order, and the default partitioner keys by murmur2 (Java-compatible), so one
 * application's events land on one partition whoever produced them.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}

/** A producer's connection, made on its first use; a failed connect is tried again by the next use. */
export interface LazyConnection {
  connect(): Promise<void>;
  /** The connect under way or made, if any use has asked for one. */
  started(): Promise<void> | undefined;
}

/** Connects `producer` once, on the first `connect()`. */
export function connectOnFirstUse(producer: Producer): LazyConnection {
  let connected: Promise<void> | undefined;
  return {
    connect() {
      connected ??= producer.connect().catch((error: unknown) => {
        connected = undefined;
        throw error;
      });
      return connected;
    },
    started: () => connected,
  };
}

/** Kafka for every role: the client, the one idempotent producer, the topics, and the journey event publisher. */
export * from './client';
export * from './topics';
export * from './journey-event-publisher';

/** Kafka topics of the contract (docs/architecture.md). */
export const TOPIC_ATS_EVENTS = 'ats.events';
/** Where ingest puts what it cannot read, with headers naming why. */
export const TOPIC_ATS_DLQ = 'ats.events.dlq';
/** Journey events Candor publishes back to platform teams. */
export const TOPIC_JOURNEY_EVENTS = 'candor.journey-events';

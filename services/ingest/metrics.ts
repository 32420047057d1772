import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Ingest's Prometheus metrics. Labels are reasons, types and partitions: never a tenant's candidate data. */
export interface IngestMetrics {
  consumed: Counter<'topic'>;
  signalled: Counter<'type'>;
  deadLettered: Counter<'reason'>;
  signalFailures: Counter;
  lag: Gauge<'topic' | 'partition'>;
  pausedPartitions: Gauge;
  eventToSignal: Histogram;
  acknowledgements: Counter<'outcome' | 'reason'>;
}

function once<T>(registry: Registry, name: string, make: () => T): T {
  // Two ingest roles in one process (tests, the benchmark) share a registry; each metric is registered once.
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Registers (or finds) ingest's metrics on `registry`. */
export function ingestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  return {
    consumed: once(registry, 'candor_ingest_events_consumed_total', () => new Counter({ name: 'candor_ingest_events_consumed_total', help: 'ATS events read from Kafka (including redeliveries)', labelNames: ['topic'], registers })),
    signalled: once(registry, 'candor_ingest_events_signalled_total', () => new Counter({ name: 'candor_ingest_events_signalled_total', help: 'ATS events Temporal accepted (signalWithStart)', labelNames: ['type'], registers })),
    deadLettered: once(registry, 'candor_ingest_events_dead_lettered_total', () => new Counter({ name: 'candor_ingest_events_dead_lettered_total', help: 'Messages sent to ats.events.dlq, by reason', labelNames: ['reason'], registers })),
    signalFailures: once(registry, 'candor_ingest_signal_failures_total', () => new Counter({ name: 'candor_ingest_signal_failures_total', help: 'signalWithStart attempts that failed and will be retried (Temporal unreachable or slow)', registers })),
    lag: once(registry, 'candor_ingest_consumer_lag', () => new Gauge({ name: 'candor_ingest_consumer_lag', help: 'Messages between the partition end and the next offset this consumer will process', labelNames: ['topic', 'partition'], registers })),
    pausedPartitions: once(registry, 'candor_ingest_paused_partitions', () => new Gauge({ name: 'candor_ingest_paused_partitions', help: 'Partitions paused while Temporal is retried', registers })),
    acknowledgements: once(registry, 'candor_ingest_acknowledgements_total', () => new Counter({
      name: 'candor_ingest_acknowledgements_total',
      help: 'New journeys whose first message ingest sent (sent), found nothing to send at once for (none), or left to the journey after a failed attempt (left-to-journey, by failure type)',
      labelNames: ['outcome', 'reason'],
      registers,
    })),
    eventToSignal: once(registry, 'candor_ingest_event_to_signal_seconds', () => new Histogram({
      name: 'candor_ingest_event_to_signal_seconds',
      help: 'From the Kafka message timestamp to Temporal accepting the signal',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    })),
  };
}

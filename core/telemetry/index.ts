/**
 * OpenTelemetry tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT is set: one trace per ATS event from the Kafka message
 * through ingest, the journey workflow (@temporalio/interceptors-opentelemetry), its activities and the provider
 * call, exported over OTLP/HTTP. Spans carry ids only (tenant, application, event and message ids, types, channels),
 * never names, addresses or text, like the logs. Without an endpoint every span here is the API's no-op.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config';

export { SpanKind };
export type { Span };

/** This process's tracing: what the worker hands its workflow-span sink, and how to flush and stop. */
export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/**
 * Starts tracing for this process when the configuration has an OTLP endpoint (once per process; later calls get
 * the same): a Node tracer provider registered globally (W3C trace context, async-hooks context) whose spans go in
 * batches to `<endpoint>/v1/traces`. Undefined when tracing is off.
 */
export function startTracing(config: Pick<Config, 'tracing' | 'role'>): Tracing | undefined {
  if (!config.tracing) return undefined;
  if (installed) return installed;
  const resource = new Resource({ [ATTR_SERVICE_NAME]: config.tracing.serviceName ?? `candor-${config.role}` });
  const exporter = new OTLPTraceExporter({ url: `${config.tracing.endpoint.replace(/\/$/, '')}/v1/traces` });
  const spanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  installed = {
    resource,
    spanProcessor,
    flush: () => provider.forceFlush(),
    async shutdown() {
      installed = undefined;
      await provider.shutdown();
    },
  };
  return installed;
}

/** Whether this process exports traces. */
export const tracingOn = () => installed !== undefined;

const tracer = () => trace.getTracer('candor');

/**
 * Runs `fn` inside a new active span (a child of `parent`, else of the active context), ending it when `fn`
 * settles and marking it failed when `fn` throws. Attributes must be ids, never personal data.
 */
export async function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Attributes; parent?: Context }, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) }, options.parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The trace context a Kafka message carries in its headers (W3C traceparent), or the active context. */
export function contextFromHeaders(headers: Record<string, unknown> | undefined): Context {
  if (!headers) return context.active();
  const carrier: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') carrier[name.toLowerCase()] = first;
    else if (Buffer.isBuffer(first)) carrier[name.toLowerCase()] = first.toString('utf8');
  }
  return propagation.extract(context.active(), carrier);
}

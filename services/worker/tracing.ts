import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Providers } from '../../activities/messaging/provider';
import { inSpan, SpanKind, type Tracing } from '../../core/telemetry';

/**
 * What a tracing worker adds to its options: the workflow-side interceptors (the package's own module, bundled with
 * the workflows: a span for the run and for each signal and activity it schedules, carried to the activity in its
 * headers), the activity interceptors (the activity's span, a child of the workflow's) and the sink that exports
 * the workflow's spans from outside the sandbox, through this process's span processor.
 */
export function workerTracingOptions(tracing: Tracing): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  return {
    interceptors: {
      workflowModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

/**
 * The providers with a client span around each send (the call to Twilio, SendGrid or the sandbox), a child of the
 * activity's span. Ids only: provider, channel, tenant, application, message and template; never the address or text.
 */
export function tracedProviders(providers: Providers): Providers {
  const traced = (channel: 'sms' | 'email') =>
    new Proxy(providers[channel], {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
        return (message: Parameters<Providers['sms']['send']>[0], options?: Parameters<Providers['sms']['send']>[1]) =>
          inSpan(
            `${target.name} send`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'candor.provider': target.name,
                'candor.channel': message.channel,
                'candor.tenant': message.tenant,
                'candor.application_id': message.applicationId,
                'candor.message_id': message.messageId,
                'candor.template': message.template,
              },
            },
            () => target.send(message, options),
          );
      },
    });
  return { sms: traced('sms'), email: traced('email') };
}

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { unique } from '../helpers/env';
import { eventually } from '../helpers/eventually';
import { daytimeZone } from '../helpers/events';
import { useFixture } from '../helpers/fixture';

/** A span as an OTLP/HTTP JSON export carries it (ids in hex), with its attributes flattened. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  service: string;
  attributes: Record<string, unknown>;
}
type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpRequest {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: OtlpAttribute[] }[] }[] }[];
}

const flat = (attributes: OtlpAttribute[] = []) =>
  Object.fromEntries(attributes.map((a) => [a.key, a.value.stringValue ?? a.value.intValue ?? a.value.boolValue ?? a.value.doubleValue]));

/** A local OTLP/HTTP receiver (POST /v1/traces, JSON as the exporter sends it): every span it was sent. */
function otlpReceiver(): { spans: ReceivedSpan[]; bodies: string[]; start(): Promise<string>; stop(): Promise<void> } {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  let server: Server;
  return {
    spans,
    bodies,
    start: () =>
      new Promise((resolve) => {
        server = createServer((request, response) => {
          const chunks: Buffer[] = [];
          request.on('data', (chunk: Buffer) => chunks.push(chunk));
          request.on('end', () => {
            let body = Buffer.concat(chunks);
            if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
            if (request.method === 'POST' && request.url === '/v1/traces' && String(request.headers['content-type']).startsWith('application/json')) {
              const text = body.toString('utf8');
              bodies.push(text);
              for (const resource of (JSON.parse(text) as OtlpRequest).resourceSpans) {
                const service = String(flat(resource.resource.attributes)['service.name']);
                for (const scope of resource.scopeSpans) {
                  for (const s of scope.spans) spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, service, attributes: flat(s.attributes) });
                }
              }
              response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
            } else {
              response.writeHead(415).end();
            }
          });
        });
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
      }),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const METRICS_TOKEN = 'operators-test-metrics-token';

describe('operators: OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT) and the Grafana dashboard', () => {
  const receiver = otlpReceiver();
  let endpoint = '';
  beforeAll(async () => {
    endpoint = await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
  });
  const t = useFixture(
    { candor: () => ({ CANDOR_ROLE: 'all', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, METRICS_TOKEN }), producer: true },
    // The worker bundles the workflows with the tracing interceptors at start (tens of seconds on a busy machine).
    { start: 300_000 },
  );

  it('follows one Kafka message through ingest and its provider call, the journey workflow and its activity in one trace, with ids only', async () => {
    const applicationId = unique('traced');
    const created = exampleData(applicationId)['ats.application.created'];
    const event = exampleEvent('ats.application.created', { tenant: 'demo', applicationId, data: { ...created, candidate: { ...created.candidate, timeZone: daytimeZone() } } });
    await t.producer.send({ topic: 'ats.events', messages: [{ key: `demo:${applicationId}`, value: JSON.stringify(event) }] });

    // The provider call of the acknowledgement (the sandbox provider: no Twilio or SendGrid configured).
    const send = await eventually(async () => receiver.spans.find((s) => s.name.endsWith(' send') && s.attributes['candor.application_id'] === applicationId), 90_000);
    // The whole trace shares the Kafka message's trace id. The workflow's own run span ends (and is exported) only
    // when the journey ends; what it started while running is here.
    // The journey's own send of it (which finds it in the ledger) is in the same trace too.
    // The activity's span is exported when it ends; the workflow's span that started it only when the result is back in
    // the workflow, a moment later: wait for both.
    const trace = await eventually(async () => {
      const spans = receiver.spans.filter((s) => s.traceId === send.traceId);
      const run = spans.find((s) => s.name === 'RunActivity:deliverMessage');
      return spans.some((s) => s.name === 'ats.events process') && spans.some((s) => s.spanId === send.parentSpanId) && run && spans.some((s) => s.spanId === run.parentSpanId) ? spans : undefined;
    }, 60_000);
    const named = (name: string) => trace.find((s) => s.name === name);
    const parentOf = (span: ReceivedSpan) => trace.find((s) => s.spanId === span.parentSpanId);
    const root = named('ats.events process')!;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toEqual(expect.objectContaining({ 'messaging.system': 'kafka', 'candor.application_id': applicationId, 'candor.event_type': 'ats.application.created', 'candor.tenant': 'demo' }));
    expect(named('SignalWithStartWorkflow:candidateJourney')?.parentSpanId).toBe(root.spanId);
    // Ingest sends the acknowledgement once Temporal has started the journey ("Acknowledged by ingest"): its provider call
    // is a child of the message's span; the journey's workflow and its activity follow in the same trace, and the
    // activity, finding the message sent, calls no provider.
    expect(send.parentSpanId).toBe(root.spanId);
    const activity = named('RunActivity:deliverMessage')!;
    expect(parentOf(activity)?.name).toBe('StartActivity:deliverMessage');
    expect(trace.filter((s) => s.name.endsWith(' send') && s.attributes['candor.application_id'] === applicationId)).toHaveLength(1);
    expect(send.attributes).toEqual(expect.objectContaining({ 'candor.provider': 'sandbox', 'candor.tenant': 'demo', 'candor.application_id': applicationId }));
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['candor-all']));

    // No personal data in what was exported: the candidate's and recruiter's names, addresses and phone never appear.
    const exported = receiver.bodies.join('\n');
    for (const personal of [created.candidate.firstName, created.candidate.lastName, created.candidate.email, created.candidate.phone, 'grace@acme.example', 'Grace Hopper']) {
      expect(exported).not.toContain(personal);
    }
  });

  it('has a Grafana dashboard whose every metric is in /metrics of a running Candor', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', '..', 'infra', 'grafana', 'candor.json'), 'utf8')) as { panels: { type: string; title: string; targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((target) => target.expr);
    const used = new Set(exprs.flatMap((expr) => expr.match(/\bcandor_[a-z0-9_]+/g) ?? []));
    const response = await fetch(`${t.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    // Every metric family /metrics declares (# TYPE), with the series names a histogram or summary adds.
    const served = new Set<string>();
    for (const [, name, type] of (await response.text()).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      served.add(name!);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) served.add(`${name}${suffix}`);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) served.add(`${name}${suffix}`);
    }
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((name) => !served.has(name))).toEqual([]);
    // Each ingest metric has a panel.
    expect([...served].filter((name) => /^candor_ingest_[a-z_]+$/.test(name) && !/_(bucket|sum|count)$/.test(name)).filter((name) => ![...used].some((u) => u.startsWith(name)))).toEqual([]);
    expect(dashboard.panels.filter((p) => p.type !== 'row' && !(p.targets?.length))).toEqual([]);
  });
});

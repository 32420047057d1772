import { exampleData, exampleEvent } from '../../core/events/examples';
import { daytimeZone } from '../helpers/events';
import { journeyStatusQuery, journeyWorkflowId } from '../../workflows/shared';
import { unique } from '../helpers/env';
import { useFixture } from '../helpers/fixture';
import { testKafka } from '../helpers/ingest-harness';

const METRICS_TOKEN = 'e2e-metrics-token-0123456789';

describe('Candor with every role, through its public interfaces', () => {
  const t = useFixture({ candor: () => ({ CANDOR_ROLE: 'all', METRICS_TOKEN }), tenants: ['acme'], producer: true });

  it('reports Temporal, Kafka, the database, the worker and the ingest consumer ready, each by name', async () => {
    const response = await fetch(`${t.base}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; checks: { name: string; ok: boolean }[] };
    expect(body.status).toBe('ready');
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ['temporal', true],
      ['kafka', true],
      ['database', true],
      ['worker', true],
      ['ingest', true],
    ]);
    expect((await fetch(`${t.base}/healthz`)).status).toBe(200);
  });

  it('answers an unknown route with a JSON 404 that names it', async () => {
    const response = await fetch(`${t.base}/nope?x=1`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No route for GET /nope' } });
  });

  it('serves Prometheus metrics', async () => {
    const text = await (await fetch(`${t.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toContain('candor_process_cpu_seconds_total');
  });

  it('turns an ATS event on Kafka into a running journey', async () => {
    const applicationId = unique('app');
    await t.producer.send({
      topic: 'ats.events',
      messages: [
        {
          key: `acme:${applicationId}`,
          value: JSON.stringify(
            exampleEvent('ats.application.created', {
              tenant: 'acme',
              applicationId,
              time: new Date().toISOString(),
              data: { ...exampleData(applicationId)['ats.application.created'], candidate: { ...exampleData(applicationId)['ats.application.created'].candidate, timeZone: daytimeZone() } },
            }),
          ),
        },
      ],
    });
    const handle = t.client.workflow.getHandle(journeyWorkflowId('acme', applicationId));
    // The journey exists only once ingest has signalled it; each probe is a real request with its own wait.
    const status = await eventually(async () => {
      const current = await handle.query(journeyStatusQuery);
      if (current.eventsApplied === 0) throw new Error('journey started, event not applied yet');
      return current;
    });
    expect(status).toMatchObject({ tenant: 'acme', applicationId, eventsApplied: 1, lastEventType: 'ats.application.created' });
    // The sandbox recorded the acknowledgement exactly as the candidate reads it (Swedish, personal).
    const ack = await eventually(async () => {
      const { rows } = await t.candor.db.query<{ template: string; locale: string; body: string }>('select template, locale, body from outbox where application_id = $1', [applicationId]);
      if (rows.length === 0) throw new Error('no message yet');
      return rows;
    });
    expect(ack).toEqual([expect.objectContaining({ template: 'applied.ack', locale: 'sv-SE', body: expect.stringContaining('Ada') })]);
  });

  it('sends an event it cannot read to the dead-letter topic with the reason, original bytes and position', async () => {
    const consumer = testKafka('candor-e2e').consumer({ groupId: unique('e2e-dlq') });
    await consumer.connect();
    await consumer.subscribe({ topic: 'ats.events.dlq', fromBeginning: true });
    const marker = unique('broken');
    const dead = new Promise<{ value: string; headers: Record<string, string> }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const value = message.value?.toString() ?? '';
          if (!value.includes(marker)) return;
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          // This Candor's own rejection (another test file's ingest, running beside it, reads the same topic).
          if (headers['candor-consumer-group'] === `${t.taskQueue}-ingest`) resolve({ value, headers });
        },
      });
    });
    await t.producer.send({ topic: 'ats.events', messages: [{ key: 'acme:x', value: `{"not json ${marker}` }] });
    const received = await dead;
    await consumer.disconnect();
    expect(received.value).toBe(`{"not json ${marker}`);
    expect(received.headers['candor-error-reason']).toBe('not-json');
    expect(received.headers['candor-original-topic']).toBe('ats.events');
    expect(Number(received.headers['candor-original-offset'])).toBeGreaterThanOrEqual(0);
  });
});

async function eventually<T>(probe: () => Promise<T>, attempts = 100): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await probe();
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw lastError;
}

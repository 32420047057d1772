import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { connectTemporalClient } from '../../core/temporal/connection';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { daytimeZone } from '../helpers/events';
import { startCandor, type Candor } from '../../services/main';
import { createLogger } from '../../core/logger';
import { ensureTenant } from '../../core/store';
import { journeyStatusQuery, journeyWorkflowId } from '../../workflows/shared';
import { required, testConfig, testPort, unique } from '../helpers/env';

const HTTP_PORT = testPort(13080);
const METRICS_TOKEN = 'e2e-metrics-token-0123456789';

describe('Candor with every role, through its public interfaces', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-e2e-'));
  const kafka = new Kafka({ clientId: 'candor-e2e', brokers: required('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  let candor: Candor;
  let temporal: Client;
  const base = `http://127.0.0.1:${HTTP_PORT}`;

  beforeAll(async () => {
    const config = testConfig({
      CANDOR_ROLE: 'all',
      HTTP_PORT: String(HTTP_PORT),
      CANDOR_DATA_DIR: dataDir,
      TEMPORAL_TASK_QUEUE: unique('e2e'),
      KAFKA_GROUP_ID: unique('e2e-ingest'),
      METRICS_TOKEN,
    });
    candor = await startCandor(config, createLogger({ logLevel: 'warn', secrets: config.secrets }));
    // Ingest dead-letters events of tenants that do not exist.
    await ensureTenant(candor.db, { id: 'acme', name: 'Acme' });
    temporal = await connectTemporalClient(config);
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await temporal?.connection.close();
    await candor?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports Temporal, Kafka, the database, the worker and the ingest consumer ready, each by name', async () => {
    const response = await fetch(`${base}/readyz`);
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
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers an unknown route with a JSON 404 that names it', async () => {
    const response = await fetch(`${base}/nope?x=1`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No route for GET /nope' } });
  });

  it('serves Prometheus metrics', async () => {
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toContain('candor_process_cpu_seconds_total');
  });

  it('turns an ATS event on Kafka into a running journey', async () => {
    const applicationId = unique('app');
    await producer.send({
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
    const handle = temporal.workflow.getHandle(journeyWorkflowId('acme', applicationId));
    // The journey exists only once ingest has signalled it; each probe is a real request with its own wait.
    const status = await eventually(async () => {
      const current = await handle.query(journeyStatusQuery);
      if (current.eventsApplied === 0) throw new Error('journey started, event not applied yet');
      return current;
    });
    expect(status).toMatchObject({ tenant: 'acme', applicationId, eventsApplied: 1, lastEventType: 'ats.application.created' });
    // The sandbox recorded the acknowledgement exactly as the candidate reads it (Swedish, personal).
    const ack = await eventually(async () => {
      const { rows } = await candor.db.query<{ template: string; locale: string; body: string }>('select template, locale, body from outbox where application_id = $1', [applicationId]);
      if (rows.length === 0) throw new Error('no message yet');
      return rows;
    });
    expect(ack).toEqual([expect.objectContaining({ template: 'applied.ack', locale: 'sv-SE', body: expect.stringContaining('Ada') })]);
  });

  it('sends an event it cannot read to the dead-letter topic with the reason, original bytes and position', async () => {
    const consumer = kafka.consumer({ groupId: unique('e2e-dlq') });
    await consumer.connect();
    await consumer.subscribe({ topic: 'ats.events.dlq', fromBeginning: true });
    const marker = unique('broken');
    const dead = new Promise<{ value: string; headers: Record<string, string> }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const value = message.value?.toString() ?? '';
          if (!value.includes(marker)) return;
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          resolve({ value, headers });
        },
      });
    });
    await producer.send({ topic: 'ats.events', messages: [{ key: 'acme:x', value: `{"not json ${marker}` }] });
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

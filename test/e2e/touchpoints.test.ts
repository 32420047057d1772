import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { exampleData, exampleEvent } from '../../core/events/examples';
import { createLogger } from '../../core/logger';
import { ensureTenant } from '../../core/store';
import { startCandor, type Candor } from '../../services/main';
import { connectTemporalClient } from '../../core/temporal/connection';
import { journeyTimelineQuery, journeyWorkflowId } from '../../workflows/shared';
import type { TimelineEntry } from '../../workflows/engine';
import { required, testConfig, testPort, unique } from '../helpers/env';
import { daytimeZone } from '../helpers/events';
import { startFakes, type Fakes } from '../helpers/messaging-world';

const HTTP_PORT = testPort(17552);

/**
 * Candor with every role, configured with Twilio and SendGrid credentials whose API base URLs point at
 * the local fakes: ATS events on Kafka become an e-mail and an SMS in the candidate's language, and
 * signed status webhooks mark them delivered in the ledger and the journey's timeline.
 */
describe('touchpoints end to end: Kafka → journey → real SDKs → fake providers → signed webhooks', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-touchpoints-'));
  const kafka = new Kafka({ clientId: 'candor-e2e-touchpoints', brokers: required('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const base = `http://127.0.0.1:${HTTP_PORT}`;
  let fakes: Fakes;
  let candor: Candor;
  let temporal: Client;

  beforeAll(async () => {
    fakes = await startFakes(17550, 17551);
    const config = testConfig({
      CANDOR_ROLE: 'all',
      HTTP_PORT: String(HTTP_PORT),
      PUBLIC_URL: base,
      CANDOR_DATA_DIR: dataDir,
      TEMPORAL_TASK_QUEUE: unique('e2e-tp'),
      KAFKA_GROUP_ID: unique('e2e-tp-ingest'),
      TWILIO_ACCOUNT_SID: fakes.twilio.accountSid,
      TWILIO_AUTH_TOKEN: fakes.twilio.authToken,
      TWILIO_FROM: fakes.twilio.from,
      TWILIO_API_BASE_URL: fakes.twilio.url,
      SENDGRID_API_KEY: fakes.sendgrid.apiKey,
      SENDGRID_FROM: fakes.sendgrid.from,
      SENDGRID_API_BASE_URL: fakes.sendgrid.url,
      SENDGRID_WEBHOOK_PUBLIC_KEY: fakes.sendgrid.publicKey,
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
    await fakes?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an application gets an e-mail and an interview SMS in Swedish, with its fields; status webhooks mark both delivered', async () => {
    const applicationId = unique('app');
    const timeZone = daytimeZone();
    const examples = exampleData(applicationId);
    const candidate = { ...examples['ats.application.created'].candidate, timeZone, phone: '+46701239876', email: `${applicationId}@example.com` };
    // The interview starts 2 h 40 s from now, so its 2-hour SMS reminder is due in 40 s.
    const start = Date.now() + 2 * 3_600_000 + 40_000;
    const interview = { id: 'int-1', start: new Date(start).toISOString(), end: new Date(start + 3_600_000).toISOString(), location: 'Sveavägen 1, Stockholm' };
    const produce = (value: object) => producer.send({ topic: 'ats.events', messages: [{ key: `acme:${applicationId}`, value: JSON.stringify(value) }] });
    await produce(exampleEvent('ats.application.created', { tenant: 'acme', applicationId, time: new Date().toISOString(), data: { ...examples['ats.application.created'], candidate } }));
    await produce(exampleEvent('ats.interview.scheduled', { tenant: 'acme', applicationId, time: new Date().toISOString(), data: { ...examples['ats.interview.scheduled'], interview } }));

    const sms = await fakes.twilio.accepted(candidate.phone);
    expect(sms.body).toContain(candidate.firstName);
    expect(sms.body).toContain(new Intl.DateTimeFormat('sv-SE', { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(start)));
    const emails = fakes.sendgrid.sent.filter((m) => m.to === candidate.email);
    expect(emails.map((m) => m.subject)).toEqual(expect.arrayContaining(['Vi har tagit emot din ansökan till Backend Engineer']));
    expect(emails[0]!.text).toContain(`Hej ${candidate.firstName}`);
    expect(emails[0]!.headers['List-Unsubscribe']).toContain(`${base}/unsubscribe?token=`);

    expect((await fakes.twilio.statusCallback(sms.sid, 'delivered')).status).toBe(204);
    expect((await fakes.sendgrid.postEvents(`${base}/webhooks/providers/sendgrid/events`, [fakes.sendgrid.event(emails[0]!, 'delivered')])).status).toBe(204);
    const ledger = await candor.db.query<{ channel: string; status: string; template: string }>(
      'select channel, status, template from message_ledger where application_id = $1 and status = $2 order by created_at',
      [applicationId, 'delivered'],
    );
    expect(ledger.rows).toEqual(expect.arrayContaining([{ channel: 'email', status: 'delivered', template: 'applied.ack' }, { channel: 'sms', status: 'delivered', template: 'interview.reminder-soon' }]));
    const timeline: TimelineEntry[] = await temporal.workflow.getHandle(journeyWorkflowId('acme', applicationId)).query(journeyTimelineQuery);
    expect(timeline.filter((e) => e.type === 'message.delivered').map((e) => e.channel).sort()).toEqual(['email', 'sms']);
  }, 150_000);
});

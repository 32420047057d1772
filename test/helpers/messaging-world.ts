import Fastify, { type FastifyInstance } from 'fastify';
import { createSendGridEmailProvider, createTwilioSmsProvider, type Providers } from '../../activities/messaging';
import type { DeliverRequest } from '../../activities/messaging';
import { registerMessagingRoutes, type JourneySignals } from '../../services/api/messaging';
import { migrate, openPgliteDatabase, type Database } from '../../core/store';
import { FakeSendGrid } from '../fakes/fake-sendgrid';
import { FakeTwilio } from '../fakes/fake-twilio';
import { freePort } from './ports';

/** The fake providers, running. */
export interface Fakes {
  twilio: FakeTwilio;
  sendgrid: FakeSendGrid;
  close(): Promise<void>;
}

/** Starts fake Twilio and SendGrid, on ports the OS picks unless given. */
export async function startFakes(twilioPort = 0, sendgridPort = 0): Promise<Fakes> {
  const twilio = await new FakeTwilio().start(twilioPort);
  const sendgrid = await new FakeSendGrid().start(sendgridPort);
  return {
    twilio,
    sendgrid,
    async close() {
      await twilio.close();
      await sendgrid.close();
    },
  };
}

/** The real Twilio and SendGrid SDK providers, pointed at the fakes (short timeouts so a hung request fails fast). */
export function fakeProviders(fakes: Fakes, timeoutMs = 1500): Providers {
  return {
    sms: createTwilioSmsProvider({ accountSid: fakes.twilio.accountSid, authToken: fakes.twilio.authToken, from: fakes.twilio.from, baseUrl: fakes.twilio.url, timeoutMs }),
    email: createSendGridEmailProvider({ apiKey: fakes.sendgrid.apiKey, from: fakes.sendgrid.from, baseUrl: fakes.sendgrid.url, timeoutMs }),
  };
}

/** A migrated in-memory database with the tenant `acme`. */
export async function messagingDb(): Promise<Database> {
  const db = await openPgliteDatabase(undefined);
  await migrate(db);
  await db.query("insert into tenants (id, name) values ('acme', 'Acme') on conflict do nothing");
  return db;
}

/** The secret path segment of the Inbound Parse URL the test messaging API is given. */
export const INBOUND_PARSE_SECRET = 'parse-secret-for-tests';

/** The api's messaging routes on a port from the OS, with Twilio and SendGrid verification keys from the fakes. */
export async function startMessagingApi(db: Database, fakes: Fakes, journeys: JourneySignals, now?: () => number): Promise<{ app: FastifyInstance; url: string }> {
  // The routes sign their links with the public URL, so the port is known before they are registered.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = Fastify();
  registerMessagingRoutes(app, {
    db,
    journeys,
    ...(now ? { now } : {}),
    publicUrl: url,
    twilioAuthToken: fakes.twilio.authToken,
    sendgridWebhookPublicKey: fakes.sendgrid.publicKey,
    // Inbound Parse: the secret URL segment and the signature (the fake signs with its event-webhook key).
    sendgridInboundSecret: INBOUND_PARSE_SECRET,
    sendgridInboundPublicKey: fakes.sendgrid.publicKey,
  });
  await app.listen({ host: '127.0.0.1', port });
  return { app, url };
}

let seq = 0;

/** A delivery request like the workflow's, for a candidate in Stockholm. */
export function deliverRequest(overrides: Partial<DeliverRequest> = {}): DeliverRequest {
  seq++;
  return {
    tenant: 'acme',
    applicationId: `app-${seq}`,
    messageId: `msg-${Date.now().toString(36)}-${seq}`,
    template: 'applied.ack',
    channel: 'sms',
    locale: 'sv-SE',
    timeZone: 'Europe/Stockholm',
    text: {
      en: { subject: 'Your application for {{ job.title }}', body: 'Hi {{ candidate.firstName }}, thanks for applying for {{ job.title }} at {{ company.name }}.' },
      sv: { subject: 'Din ansökan till {{ job.title }}', body: 'Hej {{ candidate.firstName }}, tack för din ansökan till {{ job.title }} på {{ company.name }}.' },
    },
    contact: { firstName: 'Astrid', email: 'astrid@example.com', phone: '+46701234567', jobTitle: 'Backend Engineer', recruiter: { name: 'Maja Lind' } },
    ...overrides,
  };
}

/** 10:00 on a Wednesday in Stockholm: outside quiet hours. */
export const STOCKHOLM_MORNING = Date.parse('2026-03-04T09:00:00Z');

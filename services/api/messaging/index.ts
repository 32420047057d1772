import { EventWebhook } from '@sendgrid/eventwebhook';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { redactContacts, systemTexts } from '../../../core/messaging';
import { optIn, optOut } from '../../../core/store/consent';
import { lookupUnsubscribeToken, markUnsubscribeTokenUsed } from '../../../core/store/unsubscribe-tokens';
import { signedTimeCheck, SIGNED_MAX_AGE_MS } from '../../adapters/freshness';
import type { Logger } from '../../../core/logger';
import type { Queryable } from '../../../core/store';
import { optOutPseudonymously } from '../../../core/store/erasure';
import { recordRecruiterAlert } from '../../../core/store/alerts';
import { applyProviderStatus, emailLedgerRow, lastLocaleOf, lastSmsTo, sendgridLedgerRow } from '../../../core/store/ledger';
import { recordInboundSms } from '../../../core/store/replies';
import { tenantName } from '../../../core/store/tenants';
import type { JourneySignals } from './journey-signals';
import { smsKeyword } from './keywords';
import { receiveQuestion, type QuestionIntakeDeps } from './questions';
import { createHash, timingSafeEqual } from 'node:crypto';
import { lastEmailTo } from '../../../core/store/candidate-questions';
import { parseInboundEmail } from './inbound-email';
import { registerOutboxRoute } from './outbox';
import { errorBody as error } from '../v1/errors';

export { journeySignals, type JourneySignals } from './journey-signals';
export { smsKeyword, type SmsKeyword } from './keywords';

/** What the provider webhooks, the unsubscribe link and the outbox need. */
export interface MessagingRouteDeps {
  db: Queryable;
  logger?: Logger;
  journeys: JourneySignals;
  /** Candor's public base URL: Twilio signs the URL it posted to, so validation needs it exactly. */
  publicUrl: string;
  /** Twilio's auth token (verifies X-Twilio-Signature); Twilio webhooks answer 404 without it. */
  twilioAuthToken?: string | undefined;
  /** SendGrid's event-webhook verification key (base64); the SendGrid webhook answers 404 without it. */
  sendgridWebhookPublicKey?: string | undefined;
  /** The clock signed webhook times are checked against (tests move it). */
  now?: () => number;
  /**
   * SendGrid Inbound Parse (candidates' e-mail replies): the secret path segment of the URL Candor gives SendGrid
   * (/webhooks/providers/sendgrid/inbound/<secret>), and/or the public key of the parse webhook's signature policy
   * (ECDSA, like the event webhook's). The route answers 404 without either.
   */
  sendgridInboundSecret?: string | undefined;
  sendgridInboundPublicKey?: string | undefined;
}

const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
const twiml = (reply: FastifyReply, message?: string) =>
  reply.type('text/xml').send(`<?xml version="1.0" encoding="UTF-8"?><Response>${message ? `<Message>${xml(message)}</Message>` : ''}</Response>`);

/** Twilio's final statuses, as Candor's delivery results. */
function twilioOutcome(status: string | undefined): 'delivered' | 'failed' | undefined {
  if (status === 'delivered' || status === 'read') return 'delivered';
  if (status === 'undelivered' || status === 'failed') return 'failed';
  return undefined;
}

/**
 * Provider webhooks (Twilio status and inbound SMS, SendGrid events), the e-mail unsubscribe link and
 * GET /api/v1/outbox. Every webhook is verified over what the provider signed before anything changes:
 * a bad signature gets 401 and touches neither the ledger nor a journey.
 */
export function registerMessagingRoutes(app: FastifyInstance, deps: MessagingRouteDeps): void {
  const { db } = deps;
  const base = deps.publicUrl.replace(/\/$/, '');
  const eventWebhook = new EventWebhook();
  const sendgridKey = deps.sendgridWebhookPublicKey ? eventWebhook.convertPublicKeyToECDSA(deps.sendgridWebhookPublicKey) : undefined;

  const intake: QuestionIntakeDeps = { db, journeys: deps.journeys, ...(deps.now ? { now: deps.now } : {}), warn: (message) => deps.logger?.warn(message) };
  const inboundKey = deps.sendgridInboundPublicKey ? eventWebhook.convertPublicKeyToECDSA(deps.sendgridInboundPublicKey) : undefined;
  const tell = async (what: string, fn: () => Promise<void>) => {
    // The ledger is already updated; a journey that cannot be signalled (ended) must not make the provider retry.
    await fn().catch((e: unknown) => deps.logger?.warn({ err: e, what }, 'could not signal the journey'));
  };

  void app.register(async (scope) => {
    // Signatures cover the exact bytes, so these routes keep the body raw.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));
    const raw = (request: FastifyRequest) => (Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));

    /** The form a Twilio webhook posted, or undefined when its X-Twilio-Signature does not match. */
    const verifiedTwilioForm = (request: FastifyRequest): Record<string, string> | undefined => {
      if (!deps.twilioAuthToken) return undefined;
      const params = Object.fromEntries(new URLSearchParams(raw(request).toString('utf8')));
      const signature = request.headers['x-twilio-signature'];
      if (typeof signature !== 'string') return undefined;
      return twilio.validateRequest(deps.twilioAuthToken, signature, `${base}${request.url}`, params) ? params : undefined;
    };

    scope.post('/webhooks/providers/twilio/status', async (request, reply) => {
      if (!deps.twilioAuthToken) return reply.code(404).send(error('not_configured', 'Twilio is not configured'));
      const form = verifiedTwilioForm(request);
      if (!form) return reply.code(401).send(error('bad_signature', 'X-Twilio-Signature does not match'));
      const outcome = twilioOutcome(form.MessageStatus ?? form.SmsStatus);
      const sid = form.MessageSid ?? form.SmsSid;
      if (!outcome || !sid) return reply.code(204).send();
      const failure = outcome === 'failed' ? { type: form.ErrorCode === '21610' ? 'RecipientUnsubscribed' : 'ProviderRejected', reason: `Twilio ${form.MessageStatus ?? ''} ${form.ErrorCode ?? ''}`.trim() } : undefined;
      // The callback URL Candor gave Twilio names the tenant (and Twilio signed it); older messages' did not.
      const { tenant } = request.query as { tenant?: string };
      const row = await applyProviderStatus(db, 'twilio', sid, outcome, failure, typeof tenant === 'string' ? tenant : undefined);
      if (row) await tell('sms status', () => deps.journeys.deliveryResult(row.tenant_id, row.application_id, { messageId: row.message_id, channel: 'sms', status: outcome, ...(failure ? { reason: `${failure.type}: ${failure.reason}` } : {}) }));
      return reply.code(204).send();
    });

    scope.post('/webhooks/providers/twilio/inbound', async (request, reply) => {
      if (!deps.twilioAuthToken) return reply.code(404).send(error('not_configured', 'Twilio is not configured'));
      const form = verifiedTwilioForm(request);
      if (!form) return reply.code(401).send(error('bad_signature', 'X-Twilio-Signature does not match'));
      const from = form.From ?? '';
      const body = form.Body ?? '';
      const sid = form.MessageSid ?? form.SmsSid ?? '';
      // The application is the one we last texted from this number.
      const last = await lastSmsTo(db, from);
      if (!last) return twiml(reply);
      const { tenant_id: tenant, application_id: applicationId } = last;
      const words = systemTexts(last.locale);
      const keyword = smsKeyword(body);
      const first = await recordInboundSms(db, { providerMessageId: sid, tenant, applicationId, body, keyword: keyword ?? null }); // a redelivered webhook is answered again but acted on once
      switch (keyword) {
        case 'stop':
          await optOut(db, tenant, 'sms', from, 'sms-keyword');
          if (first) await tell('opt-out', () => deps.journeys.reply(tenant, applicationId, { channel: 'sms', text: 'STOP', optOut: true }));
          return twiml(reply, words.optedOut);
        case 'start':
          await optIn(db, tenant, 'sms', from);
          if (first) await tell('opt-in', () => deps.journeys.reply(tenant, applicationId, { channel: 'sms', text: 'START' }));
          return twiml(reply, words.optedIn);
        case 'help': {
          const name = await tenantName(db, tenant);
          return twiml(reply, words.help(name));
        }
        case 'status': {
          const status = await deps.journeys.status(tenant, applicationId);
          const stage = status?.stage;
          return twiml(reply, stage ? words.status(words.stages[stage] ?? stage) : words.statusUnknown);
        }
        default: {
          // Anything else is for a person: the recruiter's inbox and e-mail, and the candidate hears who has it and by when.
          if (!deps.journeys.question) {
            if (first) {
              await recordRecruiterAlert(db, { alertId: `reply:${sid}`, tenant, applicationId, reason: 'candidate-replied' });
              await tell('reply', () => deps.journeys.reply(tenant, applicationId, { channel: 'sms', text: body }));
            }
            return twiml(reply);
          }
          const received = await receiveQuestion(intake, { tenant, applicationId, source: 'sms', sourceRef: sid || `${Date.now()}`, text: body });
          return twiml(reply, received.acknowledgement);
        }
      }
    });

    scope.post('/webhooks/providers/sendgrid/events', async (request, reply) => {
      if (!sendgridKey) return reply.code(404).send(error('not_configured', 'The SendGrid event webhook key is not configured'));
      const signature = request.headers['x-twilio-email-event-webhook-signature'];
      const timestamp = request.headers['x-twilio-email-event-webhook-timestamp'];
      const body = raw(request);
      let valid = false;
      try {
        valid = typeof signature === 'string' && typeof timestamp === 'string' && eventWebhook.verifySignature(sendgridKey, body, signature, timestamp);
      } catch {
        valid = false;
      }
      if (!valid) return reply.code(401).send(error('bad_signature', 'The event webhook signature does not match'));
      // The signature covers the timestamp, so a captured post replayed later is refused here.
      if (signedTimeCheck(Number(timestamp) * 1000, deps.now?.() ?? Date.now()) !== 'fresh') {
        return reply.code(401).send(error('stale_delivery', `The event webhook must be signed within the last ${SIGNED_MAX_AGE_MS / 60_000} minutes`));
      }
      let events: Record<string, unknown>[];
      try {
        events = JSON.parse(body.toString('utf8')) as Record<string, unknown>[];
        if (!Array.isArray(events)) throw new Error('not an array');
      } catch {
        return reply.code(400).send(error('not_json', 'The body is not a JSON array of events'));
      }
      for (const event of events) {
        // Message ids are unique per tenant: the signed custom args carry both (Candor sets them on every e-mail).
        const messageId = typeof event.candor_message_id === 'string' ? event.candor_message_id : undefined;
        const tenant = typeof event.candor_tenant === 'string' ? event.candor_tenant : undefined;
        const sgId = typeof event.sg_message_id === 'string' ? event.sg_message_id.split('.')[0]! : undefined;
        const row = messageId && tenant
          ? await emailLedgerRow(db, tenant, messageId)
          : sgId
            ? await sendgridLedgerRow(db, sgId, tenant)
            : undefined;
        if (!row) continue;
        const kind = String(event.event);
        if (kind === 'delivered' || kind === 'bounce' || kind === 'dropped') {
          const outcome = kind === 'delivered' ? 'delivered' : 'failed';
          const failure = outcome === 'failed' ? { type: kind === 'bounce' ? 'InvalidRecipient' : 'RecipientBlocked', reason: redactContacts(`SendGrid ${kind}: ${typeof event.reason === 'string' ? event.reason : ''}`.trim()) } : undefined;
          const updated = row.provider_message_id ? await applyProviderStatus(db, 'sendgrid', row.provider_message_id, outcome, failure, row.tenant_id) : undefined;
          if (updated) await tell('email status', () => deps.journeys.deliveryResult(row.tenant_id, row.application_id, { messageId: row.message_id, channel: 'email', status: outcome, ...(failure ? { reason: `${failure.type}: ${failure.reason}` } : {}) }));
        } else if (kind === 'unsubscribe' || kind === 'group_unsubscribe' || kind === 'spamreport') {
          await optOut(db, row.tenant_id, 'email', row.recipient, `sendgrid-${kind}`);
          await tell('email opt-out', () => deps.journeys.reply(row.tenant_id, row.application_id, { channel: 'email', text: kind, optOut: true }));
        }
      }
      return reply.code(204).send();
    });

    // SendGrid Inbound Parse: a candidate answered one of our e-mails (Reply-To jobs+<tenant>@…). Verified by the
    // secret in the URL (compared in constant time) and, when a signature policy's key is set, by its ECDSA signature
    // over timestamp + body (fresh, like the event webhook's). The sender's address finds the application: the one
    // this tenant last e-mailed there. The body (multipart/form-data) never reaches a log.
    const inbound = async (request: FastifyRequest, reply: FastifyReply, secret: string | undefined) => {
      if (!deps.sendgridInboundSecret && !inboundKey) return reply.code(404).send(error('not_configured', 'SendGrid Inbound Parse is not configured'));
      if (deps.sendgridInboundSecret) {
        const given = Buffer.from(secret ?? '');
        const expected = Buffer.from(deps.sendgridInboundSecret);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send(error('bad_secret', 'The inbound parse URL is not valid'));
      }
      const body = raw(request);
      if (inboundKey) {
        const signature = request.headers['x-twilio-email-event-webhook-signature'];
        const timestamp = request.headers['x-twilio-email-event-webhook-timestamp'];
        let valid = false;
        try {
          valid = typeof signature === 'string' && typeof timestamp === 'string' && eventWebhook.verifySignature(inboundKey, body, signature, timestamp);
        } catch {
          valid = false;
        }
        if (!valid) return reply.code(401).send(error('bad_signature', 'The inbound parse signature does not match'));
        if (signedTimeCheck(Number(timestamp) * 1000, deps.now?.() ?? Date.now()) !== 'fresh') return reply.code(401).send(error('stale_delivery', 'The inbound parse post is not fresh'));
      }
      let form: FormData;
      try {
        form = await new Response(body, { headers: { 'content-type': String(request.headers['content-type'] ?? '') } }).formData();
      } catch {
        return reply.code(400).send(error('not_multipart', 'The body is not multipart/form-data'));
      }
      const field = (name: string) => {
        const value = form.get(name);
        return typeof value === 'string' ? value : '';
      };
      const parsed = parseInboundEmail({ to: field('to'), from: field('from'), envelope: field('envelope'), text: field('text'), html: field('html'), headers: field('headers') });
      // Unknown senders and addresses are dropped quietly (SendGrid retries anything but 2xx).
      if (!parsed) return reply.code(204).send();
      const last = await lastEmailTo(db, parsed.tenant, parsed.from);
      if (!last) return reply.code(204).send();
      if (parsed.text === '') return reply.code(204).send();
      await receiveQuestion(intake, { tenant: last.tenant_id, applicationId: last.application_id, source: 'email', sourceRef: parsed.messageId ?? createHash('sha256').update(body).digest('hex'), text: parsed.text });
      return reply.code(204).send();
    };
    scope.post<{ Params: { secret: string } }>('/webhooks/providers/sendgrid/inbound/:secret', async (request, reply) => inbound(request, reply, request.params.secret));
    scope.post('/webhooks/providers/sendgrid/inbound', async (request, reply) => inbound(request, reply, undefined));

    // The token is opaque and random (core/store/unsubscribe-tokens.ts); every way it can fail gets the
    // same page, which names nobody. The routes carrying it (GET and POST /unsubscribe?token=…) must keep the
    // query string out of access logs.
    const unsubscribe = async (token: string) => {
      const found = await lookupUnsubscribeToken(db, token);
      if (found.status !== 'valid') return found;
      const { subject } = found;
      if (subject.contact && subject.erased) await optOutPseudonymously(db, subject.tenant, subject.channel, subject.contact, 'unsubscribe-link');
      else if (subject.contact) await optOut(db, subject.tenant, subject.channel, subject.contact, 'unsubscribe-link');
      await markUnsubscribeTokenUsed(db, token);
      await tell('unsubscribe', () => deps.journeys.reply(subject.tenant, subject.applicationId, { channel: subject.channel, text: 'unsubscribe', optOut: true }));
      return found;
    };
    const page = (title: string, body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${xml(title)}</title></head><body style="font-family:sans-serif">${body}</body></html>`;
    const localeOf = async (tenant: string, applicationId: string) =>
      (await lastLocaleOf(db, tenant, applicationId)) ?? 'en';
    const invalid = (reply: FastifyReply, status: 'expired' | 'unknown') =>
      reply
        .code(status === 'expired' ? 410 : 404)
        .header('cache-control', 'no-store')
        .type('text/html')
        .send(page('Link not valid', `<p>${xml(status === 'expired' ? 'This unsubscribe link has expired.' : 'This unsubscribe link is not valid.')} ${xml('To stop messages, reply STOP to an SMS or answer any e-mail from us and say so.')}</p>`));

    // GET only shows a button: link scanners fetch links, and must not unsubscribe anyone.
    scope.get<{ Querystring: { token?: string } }>('/unsubscribe', async (request, reply) => {
      const found = await lookupUnsubscribeToken(db, request.query.token ?? '');
      if (found.status !== 'valid') return invalid(reply, found.status);
      const words = systemTexts(await localeOf(found.subject.tenant, found.subject.applicationId));
      return reply.header('cache-control', 'no-store').type('text/html').send(page(words.unsubscribeConfirm, `<form method="post"><button type="submit">${xml(words.unsubscribeConfirm)}</button></form>`));
    });
    // One-click (RFC 8058): mail clients POST "List-Unsubscribe=One-Click" to the List-Unsubscribe URL.
    scope.post<{ Querystring: { token?: string } }>('/unsubscribe', async (request, reply) => {
      const found = await unsubscribe(request.query.token ?? '');
      if (found.status !== 'valid') return invalid(reply, found.status);
      const locale = await localeOf(found.subject.tenant, found.subject.applicationId);
      return reply.header('cache-control', 'no-store').type('text/html').send(page('OK', `<p>${xml(systemTexts(locale).unsubscribedPage)}</p>`));
    });
  });

  registerOutboxRoute(app, { db });
}

import { randomUUID } from 'node:crypto';
import { log as activityLog } from '@temporalio/activity';
import type { Queryable } from '../../core/store';
import type { CarriedWrite } from '../../core/store/database';
import { serverNow } from '../server-clock';
import { deferOutOfQuietHours, isQuietTime, makeCalendar, type CalendarSettings } from '../../workflows/engine';
import type { DeliverRequest } from '../../workflows/contracts';
import type { DeliveryResult } from '../../workflows/shared';
import { readSendContext } from '../../core/store/send-context';
import { ProviderError, toApplicationFailure, type FailureType } from '../../core/messaging/failures';
import { acceptanceWrite, claimLedgerRow, claimLeft, markAccepted, markFailed, noteRetryableFailure } from '../../core/store/ledger';
import type { OutboundMessage, Providers } from './provider';
import { SMS_SEGMENT_WARNING } from '../../core/messaging/sms-segments';
import { renderEmail, renderSms, TemplateError } from '../../core/messaging/templates';
import { emailSender, SANDBOX_EMAIL_FROM } from '../../core/messaging/sender';
import { newUnsubscribeToken, unsubscribeTokenWrite } from '../../core/store/unsubscribe-tokens';
import { statusTokenOf, statusTokenWrite } from '../../core/store/status-tokens';
import { questionMessageText } from './questions';

/** What the workflow asks the delivery activity to send. */
export type { DeliverRequest } from '../../workflows/contracts';

/** Points in a send where a test can make the activity crash (throw), as a killed worker would. */
export type CrashPoint = 'before-ledger' | 'before-send' | 'after-send' | 'after-ledger';

/** Steps whose time the benchmark reports. */
export type SendStep = 'checks' | 'render' | 'ledger' | 'provider';

/** What the send path needs. */
export interface SendDeps {
  db: Queryable;
  providers: Providers;
  /** Base of links and callbacks candidates and providers reach (unsubscribe, Twilio status). */
  publicUrl: string;
  /** Calendar settings for a request that carries none (the tenant's default journey for the locale). */
  calendarFor: (request: DeliverRequest) => CalendarSettings;
  /**
   * Provider attempts (retryable failures) after which a channel counts as failed, so the journey falls
   * back instead of retrying one dead channel forever. With the workflow's 2 s doubling backoff, 8 ≈ 4 minutes.
   */
  maxProviderAttempts?: number;
  /**
   * How long an attempt holds a message's pending ledger row (default CLAIM_LEASE_MS): another attempt that finds the
   * row held meanwhile does not call the provider but fails with the retryable `SendInProgress`. An attempt lets go
   * as soon as the provider answered; one that died holds the row until its lease ends.
   */
  claimLeaseMs?: number;
  /** The time to judge quiet hours by; default the server's schedule time of this attempt. */
  now?: () => number;
  /** Where the send path logs; the activity's logger unless given (a send outside an activity, e.g. ingest's). */
  log?: SendLog;
  /** Test hook: called at each crash point; throwing there simulates a worker killed at that moment. */
  crash?: (point: CrashPoint, request: DeliverRequest) => void;
  /** Benchmark hook: time spent in each step. */
  observe?: (step: SendStep, ms: number) => void;
}

/** The send path's log lines (ids, template, channel: never an address or a text). */
export interface SendLog {
  info(message: string, meta: Record<string, unknown>): void;
  warn(message: string, meta: Record<string, unknown>): void;
}

const failed = (type: FailureType, message: string) => toApplicationFailure(new ProviderError(type, message));

/**
 * How long a send attempt holds a message's pending row: twice what a provider call may take (10 s, the providers'
 * request timeout), so an attempt that is still running keeps the row, and one that died frees it soon.
 */
export const CLAIM_LEASE_MS = 20_000;

/**
 * The status-page link of a message whose text uses `{{ statusUrl }}`: a token of its own (core/store/status-tokens.ts)
 * whose write also records the job, recruiter, language and time zone the page shows. Undefined for texts without it.
 */
async function statusLinkFor(deps: SendDeps, request: DeliverRequest): Promise<{ url: string; write: CarriedWrite } | undefined> {
  if (!JSON.stringify(request.text ?? {}).includes('statusUrl')) return undefined;
  const { contact } = request;
  const subject = { tenant: request.tenant, applicationId: request.applicationId, messageId: request.messageId };
  const token = await statusTokenOf(deps.db, subject);
  const facts = { jobId: contact.jobId, jobTitle: contact.jobTitle, recruiterName: contact.recruiter?.name, locale: request.locale, timeZone: request.timeZone };
  return { url: `${deps.publicUrl.replace(/\/$/, '')}/s/${token}`, write: statusTokenWrite(token, subject, facts) };
}

/** What a caller of the send path may add to it. */
export interface SendMessageOptions {
  /**
   * Writes that go with the send's first statement (its read of the ledger, opt-outs and branding): ingest's record of
   * a new journey, which the status link of the acknowledgement shows. Should they fail, they are dropped with a
   * warning and the send goes on: the journey writes its own record.
   */
  carried?: readonly CarriedWrite[];
}

/**
 * Sends one message on one channel, at most once per (tenant, message id, channel):
 * ledger → consent → quiet hours → render → pending row (with the links' tokens) → provider → accepted row.
 * A definite failure is a non-retryable ApplicationFailure (the journey falls back to its next channel);
 * a passing one is retryable (Temporal retries with the workflow's backoff; the ledger makes that safe).
 */
export async function sendMessage(deps: SendDeps, request: DeliverRequest, options: SendMessageOptions = {}): Promise<DeliveryResult> {
  const { db, providers } = deps;
  const log: SendLog = deps.log ?? activityLog;
  const { messageId, channel } = request;
  // Message ids are unique inside one tenant; the ledger key starts with the tenant.
  const key = { tenant: request.tenant, messageId, channel };
  // The provider took it (delivery comes later, by webhook), or it reported delivery at once (the sandbox).
  const done = (delivered: boolean): DeliveryResult => ({ messageId, channel, status: delivered ? 'delivered' : 'accepted' });
  const observe = deps.observe;
  let t = observe ? performance.now() : 0;
  const lap = (step: SendStep) => {
    if (!observe) return;
    const now = performance.now();
    observe(step, now - t);
    t = now;
  };

  // The ledger row, the recipient's opt-out and the tenant's branding, read together.
  const to = channel === 'email' ? request.contact.email : request.contact.phone;
  const { ledger: existing, optedOut, branding } = await readSendContext(db, key, to, options.carried).catch((error: unknown) => {
    if (!options.carried?.length) throw error;
    log.warn('writes carried with the send failed; sending without them', { messageId, channel, error: error instanceof Error ? error.message : String(error) });
    return readSendContext(db, key, to);
  });
  // 1. The ledger first: a message already taken by a provider is never sent again, whatever else changed.
  if (existing && (existing.status === 'accepted' || existing.status === 'delivered')) return done(existing.status === 'delivered');
  if (existing?.status === 'failed') throw failed((existing.failure_type ?? 'ProviderRejected') as FailureType, existing.failure_reason ?? 'failed earlier');

  // 2. Consent and quiet hours again, at send time: an opt-out or a late wake-up since the decision counts.
  if (!to) throw failed('NoRecipient', `no ${channel === 'email' ? 'e-mail address' : 'phone number'}`);
  if (optedOut) throw failed('OptedOut', `the candidate opted out of ${channel}`);
  // The later of this attempt's scheduled time and the journey's clock when it handed the message over (a local
  // activity's scheduled time is the worker's clock, behind a time-skipping test server's).
  const now = deps.now?.() ?? Math.max(serverNow(), request.at ?? 0);
  const calendar = makeCalendar(request.timeZone, request.calendar ?? deps.calendarFor(request));
  if (isQuietTime(now, calendar)) {
    const until = deferOutOfQuietHours(now, calendar);
    // Deferred, never dropped: Temporal retries this attempt when the quiet hours end.
    throw toApplicationFailure(new ProviderError('QuietHours', `quiet hours for the candidate until ${new Date(until).toISOString()}`), Math.max(1000, until - now));
  }
  lap('checks');

  // A recruiter's answer to the candidate's question: its words come from the store (never the workflow's history).
  if (request.questionId) {
    const text = await questionMessageText(db, request);
    if (!text) throw failed('TemplateMissing', 'the answer to this question is gone (erased)');
    request = { ...request, text };
  }

  // 3. Render in the candidate's language; a template that cannot be rendered fails this channel for good.
  // The company is the tenant's display name; its logo and accent colour dress the HTML part.
  // The links' tokens are made here and written with the ledger claim below (one statement): they work before the
  // provider has the message, and a message that cannot be rendered leaves none behind.
  const statusLink = await statusLinkFor(deps, request);
  const links: CarriedWrite[] = statusLink ? [statusLink.write] : [];
  const data = { contact: request.contact, companyName: branding.displayName, brand: { logoUrl: branding.logoUrl, accentColour: branding.accentColour }, timeZone: request.timeZone, locale: request.locale, statusUrl: statusLink?.url };
  let message: OutboundMessage;
  let segments: number | undefined;
  try {
    const base = { messageId, tenant: request.tenant, applicationId: request.applicationId, channel, to, template: request.template };
    if (channel === 'sms') {
      const sms = await renderSms(request.template, request.text, data);
      segments = sms.length.segments;
      if (segments > SMS_SEGMENT_WARNING) log.warn('long SMS', { messageId, template: request.template, segments, encoding: sms.length.encoding });
      message = { ...base, locale: request.locale, text: sms.text, statusCallback: `${deps.publicUrl}/webhooks/providers/twilio/status?tenant=${encodeURIComponent(request.tenant)}` };
    } else {
      // An opaque random token stored server-side (hashed), never the address: the link ends up in access logs.
      const token = newUnsubscribeToken();
      links.push(unsubscribeTokenWrite(token, { tenant: request.tenant, applicationId: request.applicationId, messageId, channel }));
      const email = await renderEmail(request.template, request.text, data, `${deps.publicUrl}/unsubscribe?token=${token}`);
      // From a person or the company, replies back to Candor (core/messaging/sender.ts).
      const sender = emailSender({
        platformFrom: providers.email.emailFrom ?? SANDBOX_EMAIL_FROM,
        tenant: request.tenant,
        displayName: branding.displayName,
        sendingDomain: branding.sendingDomain,
        recruiterName: request.contact.recruiter?.name,
        locale: email.locale,
      });
      message = { ...base, locale: request.locale, subject: email.subject, text: email.text, html: email.html, headers: email.headers, from: sender.from, replyTo: sender.replyTo };
    }
  } catch (error) {
    if (error instanceof TemplateError) throw failed(error.kind, error.message);
    throw error;
  }
  lap('render');

  // 4. The pending row, before the provider hears of it, held by this attempt.
  deps.crash?.('before-ledger', request);
  const claimId = randomUUID();
  const provider = providers[channel];
  const row = await claimLedgerRow(db, {
    message_id: messageId,
    channel,
    tenant_id: request.tenant,
    application_id: request.applicationId,
    template: request.template,
    locale: message.locale,
    recipient: to,
    provider: provider.name,
    segments,
  }, { id: claimId, leaseMs: deps.claimLeaseMs ?? CLAIM_LEASE_MS }, links);
  if (row.status === 'accepted' || row.status === 'delivered') return done(row.status === 'delivered');
  if (row.status === 'failed') throw failed((row.failure_type ?? 'ProviderRejected') as FailureType, row.failure_reason ?? 'failed earlier');
  // Another attempt holds the row (a worker that lost Temporal but not the provider, a send retried while the first
  // one still runs): it may be sending right now. Ask again once it has let go, or once its lease has ended.
  if (row.claim_id !== claimId) {
    const left = claimLeft(row);
    throw toApplicationFailure(new ProviderError('SendInProgress', `another attempt is sending this message (for up to ${Math.ceil(left / 1000)} s more)`), Math.max(1000, Math.min(left, 5_000)));
  }
  lap('ledger');

  // 5. An earlier attempt may have reached the provider and crashed before writing "accepted": ask it.
  if (row.attempts > 1 && provider.findAccepted) {
    const since = row.created_at instanceof Date ? row.created_at : new Date(row.created_at);
    let found: string | undefined;
    try {
      found = await provider.findAccepted(message, since);
    } catch (error) {
      // Not knowing is not "not sent": sending now could send twice. Retry later (bounded like a send).
      const classified = error instanceof ProviderError ? error : new ProviderError('ProviderUnavailable', (error as Error).message ?? String(error));
      const unknown = new ProviderError(classified.retryable ? classified.type : 'ProviderUnavailable', `could not ask ${provider.name} whether an earlier attempt sent it: ${classified.message}`);
      const max = deps.maxProviderAttempts ?? 8;
      if (row.attempts >= max) {
        await markFailed(db, key, 'ProviderExhausted', `${unknown.message} (after ${row.attempts} attempts)`);
        throw failed('ProviderExhausted', unknown.message);
      }
      await noteRetryableFailure(db, key, unknown.type, unknown.message);
      throw toApplicationFailure(unknown);
    }
    if (found) {
      const delivered = provider.name === 'sandbox';
      await markAccepted(db, key, found, delivered);
      log.info('send found at the provider after a lost ledger write', { messageId, channel });
      return done(delivered);
    }
  }

  deps.crash?.('before-send', request);
  let accepted;
  try {
    accepted = await provider.send(message, { acceptance: (taken) => acceptanceWrite(key, taken.providerMessageId, taken.delivered) });
  } catch (error) {
    const classified = error instanceof ProviderError ? error : new ProviderError('ProviderUnavailable', (error as Error).message ?? String(error));
    if (classified.retryable) {
      const max = deps.maxProviderAttempts ?? 8;
      if (row.attempts >= max) {
        const reason = `${classified.type} after ${row.attempts} attempts: ${classified.message}`;
        await markFailed(db, key, 'ProviderExhausted', reason);
        throw failed('ProviderExhausted', reason);
      }
      await noteRetryableFailure(db, key, classified.type, classified.message);
    } else {
      await markFailed(db, key, classified.type, classified.message);
    }
    lap('provider');
    throw toApplicationFailure(classified);
  }
  lap('provider');
  // The remaining window: a crash here leaves the row pending although the provider has the message.
  deps.crash?.('after-send', request);
  if (!accepted.recorded) await markAccepted(db, key, accepted.providerMessageId, accepted.delivered);
  lap('ledger');
  deps.crash?.('after-ledger', request);
  log.info('message sent', { messageId, channel, template: request.template, provider: provider.name });
  return done(accepted.delivered === true);
}

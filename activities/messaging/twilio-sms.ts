import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import { classifyHttp, ProviderError } from '../../core/messaging/failures';
import type { Accepted, OutboundMessage, Provider } from './provider';

/** Twilio credentials and where its API lives (a local fake in tests). */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  /** Replaces https://api.twilio.com (and other *.twilio.com hosts) when set. */
  baseUrl?: string | undefined;
  /** Per-request timeout; a timeout is retryable. */
  timeoutMs?: number;
}

// Twilio error codes that are a definite answer about the recipient, not a passing problem.
const INVALID_RECIPIENT = new Set([21211, 21614, 21217, 21401, 21407, 21612]);
const UNSUBSCRIBED = new Set([21610]);
const BLOCKED = new Set([21408, 30007, 21606]);

/** The official SDK's HTTP client, pointed at `baseUrl` instead of twilio.com. */
class BaseUrlRequestClient extends RequestClient {
  constructor(
    private readonly baseUrl: string,
    opts: RequestClient.RequestClientOptions,
  ) {
    super(opts);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = opts.uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/i, this.baseUrl.replace(/\/$/, ''));
    return super.request({ ...opts, uri });
  }
}

/** Maps whatever the SDK threw to a classified ProviderError. */
export function classifyTwilioError(error: unknown): ProviderError {
  const e = error as { status?: number; code?: number | string; message?: string };
  const message = `Twilio: ${e.message ?? String(error)}`;
  if (typeof e.status === 'number') {
    const code = typeof e.code === 'number' ? e.code : Number(e.code);
    if (INVALID_RECIPIENT.has(code)) return new ProviderError('InvalidRecipient', message, e.status, code);
    if (UNSUBSCRIBED.has(code)) return new ProviderError('RecipientUnsubscribed', message, e.status, code);
    if (BLOCKED.has(code)) return new ProviderError('RecipientBlocked', message, e.status, code);
    return classifyHttp(e.status, message, code);
  }
  // No HTTP status: a timeout, a refused connection or a reset. The message may or may not have been taken.
  return new ProviderError('ProviderTimeout', message);
}

/** SMS through Twilio's Programmable Messaging API with the official SDK. */
export function createTwilioSmsProvider(settings: TwilioSettings): Provider {
  const timeout = settings.timeoutMs ?? 10_000;
  // The SDK's own 429 retry is off: Temporal's retry policy is the one place retries are bounded.
  const httpClient = settings.baseUrl
    ? new BaseUrlRequestClient(settings.baseUrl, { timeout, autoRetry: false, keepAlive: true })
    : new RequestClient({ timeout, autoRetry: false, keepAlive: true });
  const client = twilio(settings.accountSid, settings.authToken, { httpClient, autoRetry: false, timeout });
  return {
    name: 'twilio',
    async send(message: OutboundMessage): Promise<Accepted> {
      try {
        const sent = await client.messages.create({
          to: message.to,
          from: settings.from,
          body: message.text,
          ...(message.statusCallback ? { statusCallback: message.statusCallback } : {}),
        });
        return { providerMessageId: sent.sid, delivered: false };
      } catch (error) {
        throw classifyTwilioError(error);
      }
    },
    async findAccepted(message: OutboundMessage, since: Date): Promise<string | undefined> {
      // Twilio has no idempotency key for Messages; a message to the same number with the same body created
      // since our pending row was written is the one an earlier attempt sent. No DateSent filter: a message
      // still queued (behind the sender's rate limit) has no date_sent yet, but it has a date_created.
      try {
        const recent = await client.messages.list({ to: message.to, from: settings.from, limit: 50 });
        const after = since.getTime() - 60_000;
        return recent.find((m) => m.body === message.text && (m.dateCreated?.getTime() ?? Number.POSITIVE_INFINITY) >= after)?.sid;
      } catch (error) {
        throw classifyTwilioError(error);
      }
    },
  };
}

import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { FailureQueue, startServer } from './http-util';

/** An e-mail the fake SendGrid accepted: the v3 Mail Send body as the SDK sent it. */
export interface FakeEmail {
  messageId: string;
  to: string;
  from: string;
  /** The From display name, when the sender gave one. */
  fromName?: string | undefined;
  replyTo?: { email: string; name?: string } | undefined;
  subject: string;
  text: string | undefined;
  html: string | undefined;
  headers: Record<string, string>;
  customArgs: Record<string, string>;
}

interface MailSendBody {
  personalizations: { to: { email: string }[]; custom_args?: Record<string, string>; headers?: Record<string, string> }[];
  from: { email: string; name?: string };
  reply_to?: { email: string; name?: string };
  subject?: string;
  content?: { type: string; value: string }[];
  headers?: Record<string, string>;
  custom_args?: Record<string, string>;
}

/**
 * A local stand-in for SendGrid's v3 Mail Send API: bearer auth, the JSON body the official SDK sends,
 * 202 with X-Message-Id. It records what it accepts, can be told to fail, and posts event webhooks
 * signed with its own ECDSA P-256 key, as SendGrid's signed event webhook does.
 */
export class FakeSendGrid {
  readonly apiKey = `SG.${randomBytes(24).toString('base64url')}`;
  readonly from = 'jobs@acme.example';
  readonly sent: FakeEmail[] = [];
  requests = 0;
  readonly failures = new FailureQueue();
  readonly invalidAddresses = new Set<string>();
  private readonly privateKey: KeyObject;
  /** The verification key as SendGrid's settings page shows it (base64 DER). */
  readonly publicKey: string;
  private handle: Awaited<ReturnType<typeof startServer>> | undefined;

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  }

  get url(): string {
    return this.handle!.url;
  }

  async start(port = 0): Promise<this> {
    this.handle = await startServer(port, (req, body, res) => {
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(value === undefined ? '' : JSON.stringify(value));
      };
      if (req.headers.authorization !== `Bearer ${this.apiKey}`) return json(401, { errors: [{ field: null, message: 'The provided authorization grant is invalid, expired, or revoked' }] });
      if (req.method !== 'POST' || req.url !== '/v3/mail/send') return json(404, { errors: [{ field: null, message: 'not found' }] });
      this.requests++;
      const mail = JSON.parse(body.toString('utf8')) as MailSendBody;
      const to = mail.personalizations[0]?.to[0]?.email ?? '';
      const failure = this.invalidAddresses.has(to) ? 'invalid-recipient' : this.failures.next();
      switch (failure) {
        case 'timeout':
          return;
        case '429':
          return json(429, { errors: [{ field: null, message: 'too many requests' }] });
        case '500':
          return json(500, { errors: [{ field: null, message: 'internal error' }] });
        case 'invalid-recipient':
          return json(400, { errors: [{ field: 'personalizations.0.to.0.email', message: 'Does not contain a valid address.' }] });
      }
      const messageId = randomBytes(11).toString('base64url');
      this.sent.push({
        messageId,
        to,
        from: mail.from.email,
        fromName: mail.from.name,
        replyTo: mail.reply_to,
        subject: mail.subject ?? '',
        text: mail.content?.find((c) => c.type === 'text/plain')?.value,
        html: mail.content?.find((c) => c.type === 'text/html')?.value,
        headers: { ...mail.headers, ...mail.personalizations[0]?.headers },
        customArgs: { ...mail.custom_args, ...mail.personalizations[0]?.custom_args },
      });
      return json(202, undefined, { 'x-message-id': messageId });
    });
    return this;
  }

  /** Posts events to `url` signed like SendGrid (ECDSA over timestamp + payload), or with a forged signature; `signedAt` (epoch ms) backdates the signature. */
  async postEvents(url: string, events: Record<string, unknown>[], options: { signature?: string; tamper?: boolean; signedAt?: number } = {}): Promise<{ status: number; body: string }> {
    const payload = JSON.stringify(events);
    const timestamp = String(Math.floor((options.signedAt ?? Date.now()) / 1000));
    const signature = options.signature ?? sign('sha256', Buffer.from(timestamp + payload), this.privateKey).toString('base64');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp },
      body: options.tamper ? payload.replace('delivered', 'bounce') : payload,
    });
    return { status: response.status, body: await response.text() };
  }

  /**
   * Posts a candidate's e-mail reply as SendGrid Inbound Parse does: multipart/form-data with to, from, subject,
   * text, headers and the SMTP envelope, signed like the event webhook (ECDSA over timestamp + body) unless `unsigned`.
   */
  async postInboundParse(url: string, mail: { to: string; from: string; subject?: string; text: string; messageId?: string }, options: { unsigned?: boolean } = {}): Promise<{ status: number; body: string }> {
    const form = new FormData();
    form.set('to', mail.to);
    form.set('from', mail.from);
    form.set('subject', mail.subject ?? 'Re: your application');
    form.set('text', mail.text);
    form.set('headers', `Message-ID: ${mail.messageId ?? `<${randomBytes(8).toString('hex')}@mail.example>`}\r\nFrom: ${mail.from}\r\nTo: ${mail.to}\r\n`);
    form.set('envelope', JSON.stringify({ to: [mail.to], from: /<([^>]+)>/.exec(mail.from)?.[1] ?? mail.from }));
    form.set('charsets', JSON.stringify({ to: 'UTF-8', from: 'UTF-8', subject: 'UTF-8', text: 'UTF-8' }));
    const request = new Request(url, { method: 'POST', body: form });
    const body = Buffer.from(await request.arrayBuffer());
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': request.headers.get('content-type')! };
    if (!options.unsigned) {
      headers['x-twilio-email-event-webhook-timestamp'] = timestamp;
      headers['x-twilio-email-event-webhook-signature'] = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), this.privateKey).toString('base64');
    }
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, body: await response.text() };
  }

  /** One event for a message this fake accepted, shaped as SendGrid sends it. */
  event(message: FakeEmail, event: 'delivered' | 'bounce' | 'dropped' | 'spamreport' | 'unsubscribe', extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { email: message.to, timestamp: Math.floor(Date.now() / 1000), event, sg_event_id: randomBytes(12).toString('base64url'), sg_message_id: `${message.messageId}.filter0001`, ...message.customArgs, ...extra };
  }

  reset(): void {
    this.sent.length = 0;
    this.requests = 0;
    this.failures.reset();
    this.invalidAddresses.clear();
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }
}

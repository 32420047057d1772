import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { FailureQueue, startServer, type FailureMode } from './http-util';

/** A message the fake Twilio accepted. */
export interface FakeSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | undefined;
  dateCreated: Date;
}

/** A create-message request as the fake received it, before it answers. */
export interface FakeSmsRequest {
  to: string;
  from: string;
  body: string;
}

/**
 * A local stand-in for Twilio's Messages API (create and list), speaking what the official SDK sends:
 * basic auth, form-encoded bodies, Twilio's JSON and error shapes. It records what it accepts, can be
 * told to fail, and posts status callbacks and inbound SMS signed like Twilio (X-Twilio-Signature).
 */
export class FakeTwilio {
  readonly accountSid = `AC${randomBytes(16).toString('hex')}`;
  readonly authToken = randomBytes(16).toString('hex');
  readonly from = '+15005550006';
  readonly sent: FakeSms[] = [];
  /** Every create request, accepted or not. */
  requests = 0;
  /** Create requests per recipient, accepted or not. */
  readonly requestsTo = new Map<string, number>();
  readonly failures = new FailureQueue();
  /** How the next list-messages requests fail ('429', '500' or 'timeout'; create requests use `failures`). */
  readonly listFailures = new FailureQueue();
  /** Numbers Twilio answers 21211 (invalid 'To') for. */
  readonly invalidNumbers = new Set<string>();
  /** Create requests received and not answered yet (held by `onCreate` or `latencyMs`). */
  unanswered = 0;
  /**
   * Test hook: called when a create request arrives, before the fake decides anything. A returned promise
   * holds the answer until it settles (a slow provider; a test can kill the client meanwhile). The request
   * is then handled as usual: Twilio keeps a message whose client went away.
   */
  onCreate: ((request: FakeSmsRequest) => void | Promise<void>) | undefined;
  /** Test hook: called right after the 201 for an accepted message was written to the connection. */
  onAccepted: ((message: FakeSms) => void) | undefined;
  /** Delay before answering every create request (0: answer at once). */
  latencyMs = 0;
  private handle: Awaited<ReturnType<typeof startServer>> | undefined;
  private waiters: { to: string; resolve: (m: FakeSms) => void }[] = [];

  /** Resolves with the first message accepted for `to` (already accepted or still to come). */
  accepted(to: string): Promise<FakeSms> {
    const found = this.sent.find((m) => m.to === to);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ to, resolve }));
  }

  get url(): string {
    return this.handle!.url;
  }

  async start(port = 0): Promise<this> {
    this.handle = await startServer(port, async (req, body, res) => {
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (auth !== `${this.accountSid}:${this.authToken}`) return json(401, { code: 20003, message: 'Authenticate', status: 401 });
      const url = new URL(req.url ?? '/', 'http://fake');
      const path = `/2010-04-01/Accounts/${this.accountSid}/Messages.json`;
      if (url.pathname !== path) return json(404, { code: 20404, message: 'Not found', status: 404 });
      if (req.method === 'GET') {
        switch (this.listFailures.next()) {
          case 'timeout':
            return;
          case '429':
            return json(429, { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
          case '500':
          case 'invalid-recipient':
            return json(500, { code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 });
        }
        const to = url.searchParams.get('To');
        const from = url.searchParams.get('From');
        const messages = this.sent.filter((m) => (!to || m.to === to) && (!from || m.from === from)).map((m) => this.resource(m));
        return json(200, { messages, page: 0, page_size: 50, first_page_uri: path, next_page_uri: null, previous_page_uri: null, uri: path, start: 0, end: messages.length });
      }
      this.requests++;
      const form = new URLSearchParams(body.toString('utf8'));
      const to = form.get('To') ?? '';
      this.requestsTo.set(to, (this.requestsTo.get(to) ?? 0) + 1);
      if (this.onCreate || this.latencyMs > 0) {
        this.unanswered++;
        try {
          await this.onCreate?.({ to, from: form.get('From') ?? '', body: form.get('Body') ?? '' });
          if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
        } finally {
          this.unanswered--;
        }
      }
      const failure: FailureMode | undefined = this.invalidNumbers.has(to) ? 'invalid-recipient' : this.failures.next();
      switch (failure) {
        case 'timeout':
          return; // never answers; the SDK's timeout fires
        case '429':
          return json(429, { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
        case '500':
          return json(500, { code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 });
        case 'invalid-recipient':
          return json(400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 });
      }
      const message: FakeSms = { sid: `SM${randomBytes(16).toString('hex')}`, to, from: form.get('From') ?? '', body: form.get('Body') ?? '', statusCallback: form.get('StatusCallback') ?? undefined, dateCreated: new Date() };
      this.sent.push(message);
      for (const w of this.waiters.filter((x) => x.to === to)) w.resolve(message);
      this.waiters = this.waiters.filter((x) => x.to !== to);
      json(201, this.resource(message));
      // end() has handed the answer to the connection (unless its client went away while the request was held).
      if (!req.socket.destroyed) this.onAccepted?.(message);
    });
    return this;
  }

  private resource(m: FakeSms) {
    return {
      sid: m.sid,
      account_sid: this.accountSid,
      to: m.to,
      from: m.from,
      body: m.body,
      status: 'queued',
      num_segments: '1',
      direction: 'outbound-api',
      date_created: m.dateCreated.toUTCString(),
      date_updated: m.dateCreated.toUTCString(),
      date_sent: m.dateCreated.toUTCString(),
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${m.sid}.json`,
    };
  }

  /** Posts a form to `url` signed as Twilio signs it (or with `signature` to forge one). */
  async post(url: string, params: Record<string, string>, signature?: string): Promise<{ status: number; body: string }> {
    const sig = signature ?? twilio.getExpectedTwilioSignature(this.authToken, url, params);
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, body: new URLSearchParams(params).toString() });
    return { status: response.status, body: await response.text() };
  }

  /** Sends the status callback Twilio would for message `sid` (to its StatusCallback, or `url`). */
  async statusCallback(sid: string, status: 'sent' | 'delivered' | 'undelivered' | 'failed', options: { url?: string; errorCode?: string; signature?: string } = {}) {
    const message = this.sent.find((m) => m.sid === sid);
    const url = options.url ?? message?.statusCallback;
    if (!url) throw new Error(`no status callback URL for ${sid}`);
    return this.post(
      url,
      { AccountSid: this.accountSid, MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status, To: message?.to ?? '', From: this.from, ...(options.errorCode ? { ErrorCode: options.errorCode } : {}) },
      options.signature,
    );
  }

  /** Sends an inbound SMS from `from` to Candor's number, as Twilio's messaging webhook would. */
  async inbound(url: string, from: string, body: string, signature?: string) {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    return this.post(url, { AccountSid: this.accountSid, MessageSid: sid, SmsSid: sid, From: from, To: this.from, Body: body, NumMedia: '0' }, signature);
  }

  reset(): void {
    this.sent.length = 0;
    this.requests = 0;
    this.requestsTo.clear();
    this.failures.reset();
    this.listFailures.reset();
    this.invalidNumbers.clear();
    this.onCreate = undefined;
    this.onAccepted = undefined;
    this.latencyMs = 0;
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }
}

import { createHash, createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { createSandboxProvider, isOptedOut, sendMessage, UNSUBSCRIBE_TOKEN_DAYS, type DeliverRequest, type SendDeps } from '../../activities/messaging';
import { registerMessagingRoutes, type JourneySignals } from '../../services/api/messaging';
import { buildApi } from '../../services/api/server';
import type { CandidateReply } from '../../workflows/shared';
import { useFixture } from '../helpers/fixture';
import { deliverRequest, STOCKHOLM_MORNING } from '../helpers/messaging-world';
import { freePort } from '../helpers/ports';

const quiet = new DefaultLogger('ERROR');
const run = (deps: SendDeps, request: DeliverRequest) => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(() => sendMessage(deps, request));
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Unsubscribe links carry an opaque random token stored server-side (as a hash) with an expiry; the access log
 * of the real API server never shows the token or the address. Routes: GET and POST /unsubscribe?token=….
 */
describe('unsubscribe tokens (PGlite, the api server with its access log)', () => {
  const t = useFixture({});
  let base: string;
  let deps: SendDeps;
  const logLines: string[] = [];
  const replies: { tenant: string; applicationId: string; reply: CandidateReply }[] = [];
  const journeys: JourneySignals = {
    deliveryResult: async () => undefined,
    reply: async (tenant, applicationId, reply) => void replies.push({ tenant, applicationId, reply }),
    status: async () => undefined,
  };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const api = buildApi({ logger: pino({ level: 'info' }, sink), probes: [] });
    t.onTeardown(() => api.close());
    registerMessagingRoutes(api, { db: t.db, journeys, publicUrl: base });
    await api.listen({ host: '127.0.0.1', port });
    const calendarFor = () => loadDefaultJourneys().get('sv')!.definition;
    deps = { db: t.db, providers: { sms: createSandboxProvider(t.db, 'sms'), email: createSandboxProvider(t.db, 'email') }, publicUrl: base, calendarFor, now: () => STOCKHOLM_MORNING };
  });

  /** Sends an e-mail through the real send path (sandbox provider) and returns its List-Unsubscribe URL and token. */
  async function sendEmail(email: string): Promise<{ request: DeliverRequest; url: string; token: string; text: string; html: string }> {
    const request = deliverRequest({ channel: 'email', contact: { ...deliverRequest().contact, email } });
    await run(deps, request);
    const { rows } = await t.db.query<{ body: string; html: string; headers: string }>('select body, html, headers from outbox where tenant_id = $1 and message_id = $2', [request.tenant, request.messageId]);
    const headers = JSON.parse(rows[0]!.headers) as Record<string, string>;
    const url = /^<(.+)>$/.exec(headers['List-Unsubscribe']!)![1]!;
    return { request, url, token: new URL(url).searchParams.get('token')!, text: rows[0]!.body, html: rows[0]!.html };
  }

  it('the link carries 256 random bits naming nobody; the store keeps only their SHA-256, with a 90-day expiry', async () => {
    const email = 'Token.Person@example.com';
    const first = await sendEmail(email);
    expect(first.url.startsWith(`${base}/unsubscribe?token=`)).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.text).toContain(first.url);
    expect(first.html).toContain(first.url);
    const decoded = Buffer.from(first.token, 'base64url').toString('latin1');
    for (const secret of [email, email.toLowerCase(), 'acme', first.request.applicationId]) {
      expect(first.url).not.toContain(secret);
      expect(decoded).not.toContain(secret);
    }
    // Two e-mails to the same candidate get unrelated tokens.
    const second = await sendEmail(email);
    expect(second.token).not.toBe(first.token);

    const { rows } = await t.db.query<Record<string, unknown>>('select * from unsubscribe_tokens where tenant_id = $1 and application_id = $2', ['acme', first.request.applicationId]);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ token_sha256: sha256(first.token), message_id: first.request.messageId, channel: 'email', revoked_at: null, used_at: null });
    expect(JSON.stringify(row)).not.toContain(first.token);
    expect(JSON.stringify(row).toLowerCase()).not.toContain(email.toLowerCase());
    const days = (new Date(row.expires_at as string).getTime() - new Date(row.created_at as string).getTime()) / 86_400_000;
    expect(days).toBe(UNSUBSCRIBE_TOKEN_DAYS);
    expect(UNSUBSCRIBE_TOKEN_DAYS).toBe(90);
  });

  it('links are stored with the ledger claim: an e-mail whose text cannot be rendered leaves no token and no status page behind', async () => {
    const broken = { body: 'Hi {{ candidate.firstName }}, see {{ statusUrl }} {% if %}' };
    const request = deliverRequest({ channel: 'email', text: { en: broken, sv: broken } });
    await expect(run(deps, request)).rejects.toMatchObject({ type: expect.stringMatching(/^Template/) });
    const count = async (table: string) =>
      (await t.db.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = $1 and application_id = $2`, [request.tenant, request.applicationId])).rows[0]!.n;
    expect(await count('unsubscribe_tokens')).toBe(0);
    expect(await count('status_tokens')).toBe(0);
    expect(await count('status_pages')).toBe(0);
    expect(await count('message_ledger')).toBe(0);
    // The same message with a text that renders: its links and its ledger row are there together.
    const fine = { subject: 'Hej', body: 'Hej {{ candidate.firstName }}, se {{ statusUrl }}' };
    await run(deps, { ...request, text: { en: fine, sv: fine } });
    expect(await count('unsubscribe_tokens')).toBe(1);
    expect(await count('status_tokens')).toBe(1);
    expect(await count('status_pages')).toBe(1);
    expect(await count('message_ledger')).toBe(1);
  });

  it('GET asks, POST (one-click) opts out; the access log shows neither the token nor the address', async () => {
    const email = 'Logged.Never@example.com';
    const { request, url, token } = await sendEmail(email);
    logLines.length = 0;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect(await isOptedOut(t.db, 'acme', 'email', email)).toBe(false);

    const done = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Klart');
    expect(await isOptedOut(t.db, 'acme', 'email', email)).toBe(true);
    expect(replies.at(-1)).toMatchObject({ tenant: 'acme', applicationId: request.applicationId, reply: { channel: 'email', optOut: true } });
    expect((await t.db.query('select used_at from unsubscribe_tokens where token_sha256 = $1', [sha256(token)])).rows[0]).toMatchObject({ used_at: expect.anything() });
    // Used once, the link still answers (a second click, a mail client's retry).
    expect((await fetch(url, { method: 'POST' })).status).toBe(200);

    const log = logLines.join('');
    expect(log).toContain('/unsubscribe'); // the requests were logged ...
    expect(log).not.toContain(token); // ... without the token
    expect(log.toLowerCase()).not.toContain(email.toLowerCase());
  });

  it('an expired, revoked or unknown token gets a page that names nobody and changes nothing', async () => {
    const email = 'Expired.Link@example.com';
    const expired = await sendEmail(email);
    await t.db.query(`update unsubscribe_tokens set expires_at = now() - interval '1 minute' where token_sha256 = $1`, [sha256(expired.token)]);
    const revoked = await sendEmail(email);
    await t.db.query('update unsubscribe_tokens set revoked_at = now() where token_sha256 = $1', [sha256(revoked.token)]);
    const unknown = `${base}/unsubscribe?token=${Buffer.alloc(32, 9).toString('base64url')}`;
    const garbage = `${base}/unsubscribe?token=${encodeURIComponent('eyJhIjoxfQ.c2ln')}`;

    for (const [url, status] of [
      [expired.url, 410],
      [revoked.url, 410],
      [unknown, 404],
      [garbage, 404],
      [`${base}/unsubscribe`, 404],
    ] as const) {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(url, { method });
        const body = await response.text();
        expect([method, url, response.status]).toEqual([method, url, status]);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(body).toMatch(/This unsubscribe link (has expired|is not valid)/);
        expect(body.toLowerCase()).not.toContain(email.toLowerCase());
        expect(body).not.toContain('acme');
        expect(body).not.toContain(expired.request.applicationId);
      }
    }
    expect(await isOptedOut(t.db, 'acme', 'email', email)).toBe(false);
    // A token more than 30 days past its expiry is deleted when the next one is made; its link is then unknown.
    await t.db.query(`update unsubscribe_tokens set expires_at = now() - interval '31 days' where token_sha256 = $1`, [sha256(expired.token)]);
    await sendEmail(email);
    expect((await t.db.query('select 1 from unsubscribe_tokens where token_sha256 = $1', [sha256(expired.token)])).rows).toEqual([]);
    expect((await fetch(expired.url)).status).toBe(404);
  });

  it('links sent before opaque tokens still work until their key retires; an erased candidate\u2019s old link keeps only a pseudonym', async () => {
    // A link as the previous version signed it: base64url JSON [tenant, application, channel, contact] . HMAC.
    const secret = Buffer.alloc(32, 5);
    await t.db.query(`insert into signing_keys (name, secret, retire_at) values ('unsubscribe', $1, now() + interval '90 days') on conflict (name) do update set secret = $1, retire_at = now() + interval '90 days'`, [secret.toString('base64')]);
    const legacy = (applicationId: string, contact: string) => {
      const payload = Buffer.from(JSON.stringify(['acme', applicationId, 'email', contact])).toString('base64url');
      return `${base}/unsubscribe?token=${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
    };
    const contacts = async (like: string) => (await t.db.query<{ contact: string }>('select contact from consent_opt_outs where contact like $1', [like])).rows.map((r) => r.contact);

    expect((await fetch(legacy('app-old-1', 'old.link@example.com'))).status).toBe(200);
    expect((await fetch(legacy('app-old-1', 'old.link@example.com'), { method: 'POST' })).status).toBe(200);
    expect(await isOptedOut(t.db, 'acme', 'email', 'old.link@example.com')).toBe(true);
    // A forged payload under a real signature is refused.
    const forged = legacy('app-old-1', 'old.link@example.com').replace(/token=[^.]+/, `token=${Buffer.from(JSON.stringify(['acme', 'app-x', 'email', 'victim@example.com'])).toString('base64url')}`);
    expect((await fetch(forged, { method: 'POST' })).status).toBe(404);
    expect(await isOptedOut(t.db, 'acme', 'email', 'victim@example.com')).toBe(false);

    // The candidate of app-old-2 was erased: their old link still opts them out, without the address returning.
    await t.db.query(`insert into erased_applications (tenant_id, application_id) values ('acme', 'app-old-2')`);
    expect((await fetch(legacy('app-old-2', 'Erased.Old@example.com'), { method: 'POST' })).status).toBe(200);
    expect(await isOptedOut(t.db, 'acme', 'email', 'erased.old@example.com')).toBe(true);
    expect(await contacts('%erased.old%')).toEqual([]);
    expect(await contacts('erased:%')).toHaveLength(1);

    // Once the key retires (90 days after the upgrade), old links answer as expired.
    await t.db.query(`update signing_keys set retire_at = now() - interval '1 second' where name = 'unsubscribe'`);
    expect((await fetch(legacy('app-old-3', 'late.old@example.com'), { method: 'POST' })).status).toBe(410);
    expect(await isOptedOut(t.db, 'acme', 'email', 'late.old@example.com')).toBe(false);
  });
});

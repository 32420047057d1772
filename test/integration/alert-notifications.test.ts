import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSendGridEmailProvider } from '../../activities/messaging';
import { createLogger } from '../../core/logger';
import type { Database } from '../../core/store';
import { migrate } from '../../core/store';
import { recordRecruiterAlert, setAlertSettings } from '../../core/store/alerts';
import { recordApplicationPeople } from '../../core/store/people';
import { sweepAlerts, type AlertSweepDeps } from '../../services/alerts';
import { FakeSendGrid } from '../fakes/fake-sendgrid';
import { apiHarness, type ApiHarness } from '../helpers/api-harness';
import { freshPostgresDatabase, type FreshDatabase } from '../helpers/databases';

/** A local stand-in for a Slack-compatible incoming webhook: records each JSON body; can be told to fail. */
async function fakeSlack(): Promise<{ url: string; posts: { text: string }[]; failNext: number; close(): Promise<void> }> {
  const state = { posts: [] as { text: string }[], failNext: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (state.failNext > 0) {
        state.failNext--;
        res.writeHead(500).end('boom');
        return;
      }
      state.posts.push(JSON.parse(body) as { text: string });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/XXXX`;
  return Object.assign(state, { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

describe('alerts reach a person: e-mail through SendGrid, digest, Slack webhook, escalation, acknowledge and resolve', () => {
  let api: ApiHarness;
  let sendgrid: FakeSendGrid;
  let slack: Awaited<ReturnType<typeof fakeSlack>>;
  let deps: AlertSweepDeps;

  beforeAll(async () => {
    api = await apiHarness();
    sendgrid = await new FakeSendGrid().start();
    slack = await fakeSlack();
    deps = {
      db: api.db,
      email: createSendGridEmailProvider({ apiKey: sendgrid.apiKey, from: sendgrid.from, baseUrl: sendgrid.url }),
      publicUrl: 'https://candor.example',
      logger: createLogger({ logLevel: 'silent', secrets: [] }),
    };
    await recordApplicationPeople(api.db, 'acme', 'app-1', {
      candidateName: 'Ada Lovelace',
      jobTitle: 'Backend Engineer',
      recruiter: { name: 'Maja Lind', email: 'maja@acme.example', locale: 'sv-SE' },
    });
    await recordApplicationPeople(api.db, 'acme', 'app-2', { candidateName: 'Omar Haddad', jobTitle: 'Designer', recruiter: { name: 'Grace', email: 'grace@acme.example' } });
    await recordApplicationPeople(api.db, 'globex', 'app-9', { candidateName: 'Zoë Andersson', recruiter: { name: 'Ola', email: 'ola@globex.example', locale: 'en' } });
  });
  afterAll(async () => {
    await slack.close();
    await sendgrid.close();
    await api.close();
  });

  it('e-mails each alert at once to the recruiter on the application, in their language, with a console link, once', async () => {
    await recordRecruiterAlert(api.db, { tenant: 'acme', applicationId: 'app-1', alertId: 'acme:app-1:max-silence:1', reason: 'max-silence', days: 5 });
    await recordRecruiterAlert(api.db, { tenant: 'acme', applicationId: 'app-2', alertId: 'acme:app-2:all-channels-failed:m1', reason: 'all-channels-failed' });

    const first = await sweepAlerts(deps);
    expect(first.emails).toBe(2);
    const toMaja = sendgrid.sent.find((m) => m.to === 'maja@acme.example')!;
    expect(toMaja.subject).toBe('Candor-larm: Ada Lovelace (Backend Engineer)');
    expect(toMaja.text).toContain('har inte hört av oss på 5 dagar');
    expect(toMaja.text).toContain('https://candor.example/console#/applications/app-1');
    expect(toMaja.fromName).toBe('Candor · Acme');
    expect(toMaja.replyTo?.email).toMatch(/\+acme@/);
    // The HTML part says the same in the recruiter's language, links the candidate and the console's alert inbox.
    expect(toMaja.html).toContain('<html lang="sv">');
    expect(toMaja.html).toContain('<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3">Candor-larm: Ada Lovelace (Backend Engineer)</h1>');
    expect(toMaja.html).toContain('Ada Lovelace (Backend Engineer) har inte hört av oss på 5 dagar<br>');
    expect(toMaja.html).toContain('<a href="https://candor.example/console#/applications/app-1" style="word-break:break-all">https://candor.example/console#/applications/app-1</a>');
    expect(toMaja.html).toContain('<a href="https://candor.example/console#/alerts">Öppna i konsolen</a>');
    const toGrace = sendgrid.sent.find((m) => m.to === 'grace@acme.example')!;
    expect(toGrace.subject).toBe('Candor alert: Omar Haddad (Designer)');
    expect(toGrace.text).toContain('could not be reached on any channel');

    // Nothing twice: the next sweeps find the claims and send nothing.
    expect(await sweepAlerts(deps)).toEqual({ emails: 0, slack: 0, digests: 0, escalations: 0 });
    expect(sendgrid.sent).toHaveLength(2);
  });

  it('tries again after the provider failed, and sends then exactly once', async () => {
    sendgrid.sent.length = 0;
    await recordRecruiterAlert(api.db, { tenant: 'globex', applicationId: 'app-9', alertId: 'globex:app-9:waiting:1', reason: 'waiting', days: 9 });
    sendgrid.failures.fail('500');
    expect((await sweepAlerts(deps)).emails).toBe(0);
    expect(sendgrid.sent).toHaveLength(0);
    expect((await sweepAlerts(deps)).emails).toBe(1);
    expect((await sweepAlerts(deps)).emails).toBe(0);
    expect(sendgrid.sent.map((m) => [m.to, m.subject])).toEqual([['ola@globex.example', 'Candor alert: Zoë Andersson']]);
  });

  it('posts to the tenant\u2019s Slack-compatible webhook once per alert, retrying a failed post', async () => {
    await setAlertSettings(api.db, 'acme', { slackWebhookUrl: slack.url });
    slack.failNext = 1;
    const first = await sweepAlerts(deps);
    const second = await sweepAlerts(deps);
    expect(first.slack + second.slack).toBe(2);
    expect((await sweepAlerts(deps)).slack).toBe(0);
    expect(slack.posts).toHaveLength(2);
    expect(slack.posts.map((p) => p.text).sort()[0]).toMatch(/^Candor alert: Ada Lovelace \(Backend Engineer\): has not heard from us for 5 days\. <https:\/\/candor\.example\/console#\/applications\/app-1\|Open in the console>$/);
    // The URL is a credential: sealed in the store.
    const { rows } = await api.db.query<{ slack_webhook_sealed: string }>(`select slack_webhook_sealed from tenant_alert_settings where tenant_id = 'acme'`);
    expect(rows[0]!.slack_webhook_sealed).not.toContain('127.0.0.1');
  });

  it('acknowledges and resolves through the API (tenant-scoped); a resolved alert never escalates, an unresolved one does, once', async () => {
    const open = await api.call('acme', 'GET', '/api/v1/alerts');
    expect(open.statusCode).toBe(200);
    expect(open.json<{ alerts: { alertId: string; candidateName: string }[] }>().alerts.map((a) => [a.alertId, a.candidateName]).sort()).toEqual([
      ['acme:app-1:max-silence:1', 'Ada Lovelace'],
      ['acme:app-2:all-channels-failed:m1', 'Omar Haddad'],
    ]);
    expect((await api.call('globex', 'POST', `/api/v1/alerts/${encodeURIComponent('acme:app-1:max-silence:1')}/acknowledge`)).statusCode).toBe(404);
    const acked = await api.call('acme', 'POST', `/api/v1/alerts/${encodeURIComponent('acme:app-1:max-silence:1')}/acknowledge`);
    expect(acked.json()).toMatchObject({ alertId: 'acme:app-1:max-silence:1', resolvedAt: null });
    expect(acked.json<{ acknowledgedAt: string }>().acknowledgedAt).toEqual(expect.any(String));
    const resolved = await api.call('acme', 'POST', `/api/v1/alerts/${encodeURIComponent('acme:app-2:all-channels-failed:m1')}/resolve`);
    expect(resolved.json<{ resolvedAt: string }>().resolvedAt).toEqual(expect.any(String));
    expect((await api.call('acme', 'GET', '/api/v1/alerts')).json<{ alerts: unknown[] }>().alerts).toEqual([]);
    expect((await api.call('acme', 'GET', '/api/v1/alerts?state=acknowledged')).json<{ alerts: { alertId: string }[] }>().alerts.map((a) => a.alertId)).toEqual(['acme:app-1:max-silence:1']);

    sendgrid.sent.length = 0;
    await setAlertSettings(api.db, 'acme', { fallbackEmail: 'head-of-talent@acme.example', escalateAfterMinutes: 30 });
    // Not yet: both were raised moments ago.
    expect((await sweepAlerts(deps)).escalations).toBe(0);
    const later = new Date(Date.now() + 31 * 60_000);
    expect((await sweepAlerts(deps, later)).escalations).toBe(1);
    expect((await sweepAlerts(deps, later)).escalations).toBe(0);
    expect(sendgrid.sent.map((m) => [m.to, m.subject])).toEqual([['head-of-talent@acme.example', 'Escalated Candor alert: Ada Lovelace (Backend Engineer)']]);
    expect(sendgrid.sent[0]!.text).toContain('has not been resolved within 30 minutes');
    const listed = (await api.call('acme', 'GET', '/api/v1/alerts?state=all')).json<{ alerts: { alertId: string; escalatedAt: string | null }[] }>().alerts;
    expect(listed.find((a) => a.alertId === 'acme:app-1:max-silence:1')!.escalatedAt).toEqual(expect.any(String));
    expect(listed.find((a) => a.alertId === 'acme:app-2:all-channels-failed:m1')!.escalatedAt).toBeNull();
  });

  it('lists alerts by kind with counts per state and the ATS link; bad filters and ids answer 4xx saying what is wrong', async () => {
    await recordApplicationPeople(api.db, 'acme', 'app-3', { candidateName: 'Linus', atsUrl: 'https://hire.lever.co/candidates/opp-3' });
    await recordRecruiterAlert(api.db, { tenant: 'acme', applicationId: 'app-3', alertId: 'acme:app-3:low-survey-score:1', reason: 'low-survey-score' });
    const all = await api.call('acme', 'GET', '/api/v1/alerts?state=all&reason=low-survey-score,max-silence');
    expect(all.statusCode).toBe(200);
    const body = all.json<{ alerts: { alertId: string; atsUrl: string | null }[]; counts: Record<string, number> }>();
    expect(body.alerts.map((a) => [a.alertId, a.atsUrl])).toEqual([
      ['acme:app-3:low-survey-score:1', 'https://hire.lever.co/candidates/opp-3'],
      ['acme:app-1:max-silence:1', null],
    ]);
    expect(body.counts).toEqual({ open: 1, acknowledged: 1, resolved: 1 });
    expect((await api.call('acme', 'GET', '/api/v1/alerts?applicationId=app-3')).json<{ counts: Record<string, number> }>().counts).toEqual({ open: 1, acknowledged: 0, resolved: 0 });
    expect((await api.call('globex', 'GET', '/api/v1/alerts?state=all&reason=low-survey-score')).json<{ alerts: unknown[] }>().alerts).toEqual([]);

    const badKind = await api.call('acme', 'GET', '/api/v1/alerts?reason=Max%20Silence');
    expect(badKind.statusCode).toBe(400);
    expect(badKind.json()).toMatchObject({ error: { code: 'invalid_request', message: 'The query string is invalid: reason[0]: each kind is lower-case letters, digits and dashes, like max-silence' } });
    const badState = await api.call('acme', 'GET', '/api/v1/alerts?state=closed');
    expect(badState.statusCode).toBe(400);
    expect(badState.json<{ error: { message: string } }>().error.message).toMatch(/^The query string is invalid: state: /);
    expect((await api.call('acme', 'GET', '/api/v1/alerts?status=open')).statusCode).toBe(400);
    const missing = await api.call('acme', 'POST', '/api/v1/alerts/no-such-alert/acknowledge');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'alert_not_found', message: 'There is no alert "no-such-alert"' } });
    // Resolved, it is never sent (the digest below does not list it).
    expect((await api.call('acme', 'POST', `/api/v1/alerts/${encodeURIComponent('acme:app-3:low-survey-score:1')}/resolve`)).statusCode).toBe(200);
  });

  it('a digest tenant gets one e-mail per recruiter a day from its digest hour, listing every open alert', async () => {
    sendgrid.sent.length = 0;
    await setAlertSettings(api.db, 'globex', { delivery: 'digest', digestHour: 9 });
    await recordRecruiterAlert(api.db, { tenant: 'globex', applicationId: 'app-9', alertId: 'globex:app-9:unanswered-question:q1', reason: 'unanswered-question' });
    await recordRecruiterAlert(api.db, { tenant: 'globex', applicationId: 'app-9', alertId: 'globex:app-9:max-silence:2', reason: 'max-silence', days: 7 });
    const before = new Date('2026-12-01T08:59:00Z');
    const at = new Date('2026-12-01T09:05:00Z');
    expect((await sweepAlerts(deps, before)).digests).toBe(0);
    expect((await sweepAlerts(deps, at)).digests).toBe(1);
    expect((await sweepAlerts(deps, at)).digests).toBe(0);
    expect(sendgrid.sent).toHaveLength(1);
    expect(sendgrid.sent[0]!.to).toBe('ola@globex.example');
    expect(sendgrid.sent[0]!.subject).toBe('Candor: 2 open alerts today');
    expect(sendgrid.sent[0]!.text).toContain('asked a question that is still unanswered');
    expect(sendgrid.sent[0]!.text).toContain('has not heard from us for 7 days');
    // The HTML part: one paragraph per alert, its console link on the line below.
    expect(sendgrid.sent[0]!.html).toContain('<p>Zoë Andersson asked a question that is still unanswered<br>\nOpen in the console: <a href="https://candor.example/console#/applications/app-9"');
    expect(sendgrid.sent[0]!.html).toContain('<p>Zoë Andersson has not heard from us for 7 days<br>');
  });
});

/**
 * Every api process sweeps (ALERT_SWEEP_SECONDS, 30 s by default), and `npm run cluster` or docker-compose may run
 * more than one: two sweepers on one PostgreSQL database, each with its own connection pool and provider, racing
 * over the same alerts, send each notification exactly once.
 */
describe('two alert sweepers on one PostgreSQL database', () => {
  let fresh: FreshDatabase;
  let other: Database;
  let sendgrid: FakeSendGrid;
  let slack: Awaited<ReturnType<typeof fakeSlack>>;
  const sweeper = (db: Database): AlertSweepDeps => ({
    db,
    email: createSendGridEmailProvider({ apiKey: sendgrid.apiKey, from: sendgrid.from, baseUrl: sendgrid.url }),
    publicUrl: 'https://candor.example',
    logger: createLogger({ logLevel: 'silent', secrets: [] }),
  });

  beforeAll(async () => {
    fresh = await freshPostgresDatabase();
    await migrate(fresh.db);
    other = await fresh.open!();
    sendgrid = await new FakeSendGrid().start();
    slack = await fakeSlack();
  });
  afterAll(async () => {
    await slack?.close();
    await sendgrid?.close();
    await other?.close();
    await fresh?.db.close();
    await fresh?.drop();
  });

  it('race over 40 alerts (e-mail, Slack, escalation, with a provider failure on the way) and send each notification once', async () => {
    const { db } = fresh;
    await setAlertSettings(db, 'acme', { slackWebhookUrl: slack.url, fallbackEmail: 'head@acme.example', escalateAfterMinutes: 30 });
    const alertIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      const applicationId = `app-race-${i}`;
      await recordApplicationPeople(db, 'acme', applicationId, { candidateName: `Candidate ${i}`, jobTitle: 'Engineer', recruiter: { name: 'Maja', email: `recruiter-${i % 4}@acme.example` } });
      const alertId = `acme:${applicationId}:max-silence:1`;
      await recordRecruiterAlert(db, { tenant: 'acme', applicationId, alertId, reason: 'max-silence', days: 5 });
      alertIds.push(alertId);
    }
    const a = sweeper(db);
    const b = sweeper(other);
    sendgrid.failures.fail('500');
    slack.failNext = 1;
    const later = new Date(Date.now() + 31 * 60_000);
    // Both start together, pass after pass, until neither has anything left; the second round also escalates.
    const totals = { emails: 0, slack: 0, digests: 0, escalations: 0 };
    for (const at of [undefined, undefined, later, later]) {
      for (const r of await Promise.all([sweepAlerts(a, at), sweepAlerts(b, at)])) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
    }
    expect(totals).toEqual({ emails: 40, slack: 40, digests: 0, escalations: 40 });

    const emails = sendgrid.sent.filter((m) => m.to !== 'head@acme.example');
    expect(emails).toHaveLength(40);
    expect(new Set(emails.map((m) => m.customArgs.candor_message_id)).size).toBe(40);
    expect(new Set(emails.map((m) => m.subject))).toEqual(new Set(alertIds.map((_, i) => `Candor alert: Candidate ${i} (Engineer)`)));
    const escalations = sendgrid.sent.filter((m) => m.to === 'head@acme.example');
    expect(escalations).toHaveLength(40);
    expect(new Set(escalations.map((m) => m.subject)).size).toBe(40);
    expect(slack.posts).toHaveLength(40);
    expect(new Set(slack.posts.map((p) => p.text)).size).toBe(40);

    // The ledger: one sent row per alert and kind, nothing left claimed.
    const { rows } = await db.query<{ kind: string; status: string; n: string }>('select kind, status, count(*) as n from alert_notifications group by kind, status order by kind');
    expect(rows.map((r) => [r.kind, r.status, Number(r.n)])).toEqual([
      ['email', 'sent', 40],
      ['escalation', 'sent', 40],
      ['slack', 'sent', 40],
    ]);
    // And another pair of passes finds nothing to send.
    expect(await Promise.all([sweepAlerts(a, later), sweepAlerts(b, later)])).toEqual([
      { emails: 0, slack: 0, digests: 0, escalations: 0 },
      { emails: 0, slack: 0, digests: 0, escalations: 0 },
    ]);
  });
});

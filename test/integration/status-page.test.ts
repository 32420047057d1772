import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { createSandboxProvider, isOptedOut, sendMessage, type DeliverRequest, type SendDeps } from '../../activities/messaging';
import { projectJourney } from '../../core/store/board';
import { eraseCandidateData } from '../../core/store/erasure';
import { createStatusToken, revokeStatusTokens, STATUS_TOKEN_DAYS } from '../../core/store/status-tokens';
import { addApiKey, ensureTenant, generateApiKey } from '../../core/store';
import { buildApi } from '../../services/api/server';
import type { JourneyBoardEntry } from '../../workflows/shared';
import { useFixture } from '../helpers/fixture';
import { deliverRequest, STOCKHOLM_MORNING } from '../helpers/messaging-world';
import { freePort } from '../helpers/ports';

const quiet = new DefaultLogger('ERROR');
const run = (deps: SendDeps, request: DeliverRequest) => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }).run(() => sendMessage(deps, request));
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const shipped = loadDefaultJourneys();
const sv = shipped.get('sv')!;
/** Monday 9 March 2026, 09:00 in Stockholm: when the test journeys promise their next message. */
const NEXT_DUE = Date.parse('2026-03-09T08:00:00Z');

/** A journey's board row as the journey writes it (projectJourney), on the shipped Swedish default. */
function boardEntry(applicationId: string, over: Partial<JourneyBoardEntry> & { seq: number }): JourneyBoardEntry {
  const status = over.status ?? 'open';
  return {
    tenant: 'acme',
    applicationId,
    journeyId: 'default-sv',
    definitionVersion: sv.version,
    status,
    outcome: null,
    stage: 'screening',
    paused: false,
    timeZone: 'Europe/Stockholm',
    locale: 'sv-SE',
    startedAt: STOCKHOLM_MORNING,
    waitingSince: STOCKHOLM_MORNING,
    lastMessage: { template: 'screening.started', channel: 'email', at: STOCKHOLM_MORNING },
    nextMessage: { template: 'screening.still-working', dueAt: NEXT_DUE },
    detail: {
      eventsApplied: 2,
      lastEventType: 'ats.application.stage_changed',
      completed: status === 'completed',
      status: status === 'completed' ? 'completed' : 'open',
      stage: over.stage ?? 'screening',
      paused: false,
      definitionVersion: sv.version,
      timeZone: 'Europe/Stockholm',
      locale: 'sv-SE',
      lastMessageAt: STOCKHOLM_MORNING,
      nextWakeUp: NEXT_DUE,
      scheduled: status === 'open' ? [{ template: 'screening.still-working', purpose: 'follow-up', dueAt: NEXT_DUE }] : [],
    },
    timeline: {
      from: 0,
      entries: [
        { at: STOCKHOLM_MORNING, type: 'stage.entered', stage: 'applied' },
        { at: STOCKHOLM_MORNING + 1000, type: 'stage.entered', stage: 'screening' },
      ],
    },
    ...over,
  };
}

/**
 * The candidate's status page (services/status-page) on the real api server (buildApi, PGlite): the links the send
 * path puts in messages, what the page shows from the store, stopping a channel, the closing survey and its read-out,
 * token expiry and revocation, and erasure.
 */
describe('status page (PGlite, the api server with its access log)', () => {
  const t = useFixture({});
  const logLines: string[] = [];
  const apiKey = generateApiKey();
  const otherKey = generateApiKey();
  let base: string;
  let deps: SendDeps;

  beforeAll(async () => {
    await addApiKey(t.db, 'acme', apiKey, 'test');
    await ensureTenant(t.db, { id: 'globex', name: 'Globex' });
    await addApiKey(t.db, 'globex', otherKey, 'test');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const api = buildApi({ logger: pino({ level: 'info' }, sink), probes: [], v1: { db: t.db, temporal: undefined, publicUrl: base, shipped } });
    t.onTeardown(() => api.close());
    await api.listen({ host: '127.0.0.1', port });
    deps = { db: t.db, providers: { sms: createSandboxProvider(t.db, 'sms'), email: createSandboxProvider(t.db, 'email') }, publicUrl: base, calendarFor: () => sv.definition, now: () => STOCKHOLM_MORNING };
  });

  /** Sends the Swedish default's acknowledgement (its body links the page) through the real send path; returns the link. */
  let candidates = 0;
  async function sendAck(over: Partial<DeliverRequest> = {}): Promise<{ request: DeliverRequest; url: string; token: string; body: string }> {
    // Each candidate an address of their own: one test's opt-out must not stop another's e-mail.
    const contact = { ...deliverRequest().contact, email: `candidate-${++candidates}@example.com` };
    const request = deliverRequest({ channel: 'email', template: 'applied.ack', text: sv.definition.stages.applied.onEnter[0]!.text, contact, ...over });
    await run(deps, request);
    const { rows } = await t.db.query<{ body: string }>('select body from outbox where tenant_id = $1 and message_id = $2', [request.tenant, request.messageId]);
    const body = rows[0]!.body;
    const url = new RegExp(`${base}/s/[A-Za-z0-9_-]+`).exec(body)![0];
    return { request, url, token: url.slice(`${base}/s/`.length), body };
  }
  const page = async (url: string) => {
    const response = await fetch(url, { redirect: 'manual' });
    return { response, html: await response.text() };
  };
  const post = (url: string, form: Record<string, string>) =>
    fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

  it('every message that uses {{ statusUrl }} links the page with a token of its own: 256 random bits naming nobody, stored only as a hash', async () => {
    const first = await sendAck();
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const secret of [first.request.contact.email!, '+46701234567', first.request.applicationId, 'acme', 'Astrid']) expect(first.url).not.toContain(secret);
    const second = await sendAck({ applicationId: first.request.applicationId, messageId: `${first.request.messageId}-2`, contact: first.request.contact });
    expect(second.token).not.toBe(first.token);

    const { rows } = await t.db.query<{ token_sha256: string; expires_at: Date; created_at: Date }>('select token_sha256, expires_at, created_at from status_tokens where tenant_id = $1 and application_id = $2 order by created_at', ['acme', first.request.applicationId]);
    expect(rows.map((r) => r.token_sha256).sort()).toEqual([sha256(first.token), sha256(second.token)].sort());
    expect(JSON.stringify(rows)).not.toContain(first.token);
    expect(new Date(rows[0]!.expires_at).getTime() - new Date(rows[0]!.created_at).getTime()).toBe(STATUS_TOKEN_DAYS * 86_400_000);
    // Both links open the same page.
    for (const link of [first.url, second.url]) expect((await page(link)).response.status).toBe(200);
    // A text without the placeholder makes no token.
    const plain = deliverRequest({ channel: 'email' });
    await run(deps, plain);
    expect((await t.db.query('select 1 from status_tokens where application_id = $1', [plain.applicationId])).rows).toHaveLength(0);
  });

  it('shows the job, the recruiter, the steps, where the candidate is and the latest date of the next message, in Swedish and their time zone, from the store', async () => {
    const { request, url, token } = await sendAck();
    await projectJourney(t.db, boardEntry(request.applicationId, { seq: 1 }));
    const { response, html } = await page(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain('Din ansökan till Backend Engineer');
    expect(html).toContain('Din kontaktperson: Maja Lind');
    // The journey's own candidate-facing stage texts, with the current step marked for assistive technology.
    expect(html).toMatch(/<li class="done"><span class="step-title">Ansökan mottagen<\/span>/);
    expect(html).toMatch(/<li class="current" aria-current="step"><span class="step-title">Urval<\/span><span class="state">\(Du är här\)<\/span><p>Vi tittar närmare på din ansökan, oftast med ett kort samtal eller några frågor\.<\/p>/);
    expect(html).toMatch(/<li class="ahead"><span class="step-title">Intervjuer<\/span>/);
    const when = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(NEXT_DUE);
    expect(when).toContain('9 mars');
    expect(html).toContain('<p>Nästa från oss: en uppdatering om läget.</p>');
    expect(html).toContain(`<p>Du hör från oss senast ${when}.</p>`);
    expect(html).toContain('Tiderna visas i din tidszon, Europe/Stockholm.');
    // The message it was sent, without its words or address; and what the candidate can do.
    expect(html).toMatch(/<time datetime="[^"]+">[^<]+<\/time>, Mejl: Ansökan mottagen/);
    expect(html).toContain('Avsluta mejl om denna ansökan');
    expect(html).not.toContain(request.contact.email!);
    // No script, nothing from elsewhere, a strict policy, no referrer for the token to leak through.
    expect(html).not.toMatch(/<script|src=|https?:\/\/(?!127\.0\.0\.1)/i);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');

    const english = await page(`${url}?lang=en`);
    expect(english.html).toContain('<html lang="en">');
    expect(english.html).toContain('Your application for Backend Engineer');
    expect(english.html).toMatch(/aria-current="step"><span class="step-title">Screening<\/span>/);
    expect(english.html).toContain('E-mail: Application received');

    // The access log has the route and a redacted path, never the token.
    const logged = logLines.join('');
    expect(logged).toContain('"route":"/s/:token"');
    expect(logged).not.toContain(token);
  });

  it('stops e-mail through the same opt-out as the unsubscribe link: the very next e-mail is not sent, and the page says so', async () => {
    const { request, url } = await sendAck();
    await projectJourney(t.db, boardEntry(request.applicationId, { seq: 1 }));
    const stopped = await post(`${url}/stop/email`, { lang: 'sv' });
    expect(stopped.status).toBe(303);
    expect(stopped.headers.get('location')).toBe(`${new URL(url).pathname}?lang=sv&done=email`);
    expect(await isOptedOut(t.db, 'acme', 'email', request.contact.email!)).toBe(true);
    const after = await page(`${url}?lang=sv&done=email`);
    expect(after.html).toContain('role="status">Klart: du får inga fler mejl om denna ansökan.');
    expect(after.html).toContain('Du får inga mejl om denna ansökan.');
    expect(after.html).not.toContain('Avsluta mejl om denna ansökan');
    await expect(run(deps, deliverRequest({ channel: 'email', applicationId: request.applicationId, contact: request.contact }))).rejects.toMatchObject({ type: 'OptedOut' });
    // SMS was never used for this application: the page offers no button for it.
    expect(after.html).not.toContain('sms');
  });

  it('answers an expired, revoked (through the recruiter API, by the tenant only) or unknown link with a page that names nobody', async () => {
    const { request, url } = await sendAck();
    await projectJourney(t.db, boardEntry(request.applicationId, { seq: 1 }));
    const old = await createStatusToken(t.db, { tenant: 'acme', applicationId: request.applicationId, messageId: 'old' }, { locale: 'sv-SE', timeZone: 'Europe/Stockholm' }, new Date(Date.now() - (STATUS_TOKEN_DAYS + 1) * 86_400_000));
    const expired = await page(`${base}/s/${old}`);
    expect(expired.response.status).toBe(410);
    expect(expired.html).toContain('This link has expired.');
    expect((await post(`${base}/s/${old}/stop/email`, {})).status).toBe(410);

    expect((await page(url)).response.status).toBe(200);
    // Revoked through the recruiter API: another tenant's key revokes nothing of ours.
    const revoke = async (key: string) => (await fetch(`${base}/api/v1/status-links/${request.applicationId}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${key}` } })).json() as Promise<{ revoked: number }>;
    expect(await revoke(otherKey)).toEqual({ applicationId: request.applicationId, revoked: 0 });
    expect((await page(url)).response.status).toBe(200);
    expect(await revoke(apiKey)).toEqual({ applicationId: request.applicationId, revoked: 1 });
    expect(await revokeStatusTokens(t.db, 'acme', request.applicationId)).toBe(0);
    const revoked = await page(url);
    expect(revoked.response.status).toBe(410);
    for (const html of [expired.html, revoked.html]) {
      expect(html).not.toMatch(/Backend Engineer|Maja|Acme|acme|Astrid/);
    }
    const unknown = await page(`${base}/s/${'A'.repeat(43)}`);
    expect(unknown.response.status).toBe(404);
    expect(unknown.html).toContain('This link is not valid.');
    expect((await page(`${base}/s/not-a-token`)).response.status).toBe(404);
  });

  it('asks for the verdict once the journey has closed, stores one answer, alerts the recruiter on a low score, and reports per journey version and job', async () => {
    const { request, url } = await sendAck({ contact: { ...deliverRequest().contact, email: 'verdict@example.com', jobId: 'job-42' } });
    await projectJourney(t.db, boardEntry(request.applicationId, { seq: 1 }));
    expect((await page(url)).html).not.toContain('name="score"');
    // Not yet closed: an early answer is not taken.
    await post(`${url}/survey`, { score: '4' });
    expect((await t.db.query('select 1 from candidate_surveys where application_id = $1', [request.applicationId])).rows).toHaveLength(0);

    await projectJourney(t.db, boardEntry(request.applicationId, { seq: 2, status: 'completed', stage: 'rejected', outcome: 'rejected' }));
    const closed = await page(url);
    expect(closed.html).toContain('Processen är avslutad (Avslutad).');
    expect(closed.html).toMatch(/<li class="done"><span class="step-title">Urval<\/span>/);
    expect(closed.html).toMatch(/aria-current="step"><span class="step-title">Avslutad<\/span>/);
    expect(closed.html).toContain('<legend>Hur upplevde du vår rekryteringsprocess?</legend>');
    expect(closed.html).toContain('<label for="comment">');

    const invalid = await post(`${url}/survey`, { score: '9', lang: 'sv' });
    expect(invalid.headers.get('location')).toContain('done=survey-invalid');
    expect((await post(`${url}/survey`, { score: '2', comment: '  Det tog för lång tid.  ', lang: 'sv' })).status).toBe(303);
    expect((await post(`${url}/survey`, { score: '5', comment: 'again' })).status).toBe(303);
    const answers = await t.db.query<{ score: number; comment: string; job_id: string; definition_version: string; outcome: string }>('select score, comment, job_id, definition_version, outcome from candidate_surveys where application_id = $1', [request.applicationId]);
    expect(answers.rows).toEqual([{ score: 2, comment: 'Det tog för lång tid.', job_id: 'job-42', definition_version: sv.version, outcome: 'rejected' }]);
    const thanked = await page(`${url}?done=survey`);
    expect(thanked.html).toContain('role="status">Tack för ditt svar.');
    expect(thanked.html).not.toContain('name="score"');
    const alerts = await t.db.query<{ reason: string }>('select reason from recruiter_alerts where tenant_id = $1 and application_id = $2', ['acme', request.applicationId]);
    expect(alerts.rows).toEqual([{ reason: 'low-survey-score' }]);

    const results = async (by: string) => {
      const response = await fetch(`${base}/api/v1/surveys?by=${by}`, { headers: { authorization: `Bearer ${apiKey}` } });
      return { status: response.status, body: (await response.json()) as { groups: { key: string; responses: number; averageScore: number; scores: number[]; lowScores: number; comments: { comment: string }[] }[] } };
    };
    const byVersion = await results('version');
    expect(byVersion.body.groups.find((g) => g.key === sv.version)).toMatchObject({ responses: 1, averageScore: 2, scores: [0, 1, 0, 0, 0], lowScores: 1, comments: [{ comment: 'Det tog för lång tid.' }] });
    expect((await results('job')).body.groups.find((g) => g.key === 'job-42')).toMatchObject({ responses: 1, averageScore: 2 });
    expect((await results('stage')).status).toBe(400);
    expect((await fetch(`${base}/api/v1/surveys`)).status).toBe(401);
  });

  it('erasure deletes the links and what the page showed, and keeps the survey score without its comment', async () => {
    const { request, url } = await sendAck();
    await projectJourney(t.db, boardEntry(request.applicationId, { seq: 1, status: 'completed', stage: 'withdrawn', outcome: 'withdrawn' }));
    await post(`${url}/survey`, { score: '4', comment: 'Mitt namn är Astrid.' });
    await eraseCandidateData(t.db, { tenant: 'acme', applicationIds: [request.applicationId] });
    expect((await page(url)).response.status).toBe(404);
    expect((await t.db.query('select 1 from status_tokens where application_id = $1 union all select 1 from status_pages where application_id = $1', [request.applicationId])).rows).toHaveLength(0);
    expect((await t.db.query('select score, comment from candidate_surveys where application_id = $1', [request.applicationId])).rows).toEqual([{ score: 4, comment: null }]);
  });
});

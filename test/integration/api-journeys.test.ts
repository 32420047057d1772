import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadDefaultJourneys } from '../../core/journeys/default-journeys';
import { resolvePublishedJourney } from '../../core/journeys/published';
import { projectJourney } from '../../core/store/board';
import type { JourneyDefinition } from '../../workflows/engine';
import { apiHarness, asList, type ApiHarness } from '../helpers/api-harness';

const DEFAULT_EN = readFileSync(join(__dirname, '..', '..', 'journeys', 'default-en.yaml'), 'utf8');
const shipped = loadDefaultJourneys();

/** The shipped English journey under another id, with `patch` applied to its parsed form. */
function journey(id: string, patch: (d: JourneyDefinition) => void = () => undefined): JourneyDefinition {
  const definition = parse(DEFAULT_EN) as JourneyDefinition;
  definition.id = id;
  definition.name = `Journey ${id}`;
  patch(definition);
  return definition;
}

/** A Tuesday 10:00 in London: inside business hours, outside quiet hours and bank holidays. */
const TUESDAY_MORNING = '2026-03-03T10:00:00Z';

describe('recruiter API: journeys', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await apiHarness();
  });
  afterAll(() => api.close());

  it('serves an OpenAPI 3.1 document at /docs describing every /api/v1 route', async () => {
    const response = await fetch(`${api.base}/docs`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    // The operator's /admin/v1 routes are described too; admin-cli.test.ts checks them against their registrations.
    const described = Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/v1/')).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    const registered = api.routes.filter((r) => !r.endsWith('*'));
    expect(registered.length).toBeGreaterThan(15);
    // Without a Temporal client the journeys' application routes answer 503 from one wildcard; api-applications checks
    // them. An application's interview slots are the store's, registered either way.
    // GET /api/v1/outbox is registered with the messaging routes; outbox-paging.test.ts checks its description.
    const journeyRoute = (r: string) => r.includes('/applications') && !r.endsWith('/interview-slots');
    expect(described.filter((r) => !journeyRoute(r) && r !== 'GET /api/v1/outbox').sort()).toEqual([...registered].sort());
    expect(described).toContain('GET /api/v1/outbox');
    expect(described.filter(journeyRoute)).toHaveLength(5);
  });

  it('serves the console as a static page over this API, without a key', async () => {
    const page = await fetch(`${api.base}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<main id="main"');
    expect(html).toContain('<label for="api-key">');
    const script = await fetch(`${api.base}/console/app.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('/api/v1');
  });

  describe('authentication', () => {
    it('answers every route without a key, with a malformed header or an unknown key with a JSON 401', async () => {
      const routes = api.routes.filter((r) => !r.endsWith('*'));
      for (const route of routes) {
        const [method, path] = route.split(' ') as ['GET', string];
        const url = path.replace(/:(\w+)/g, (_m, name: string) => (name === 'version' ? '1' : 'x1'));
        const missing = await api.call({}, method, url);
        expect([route, missing.statusCode, missing.json().error.code]).toEqual([route, 401, 'unauthenticated']);
        expect(missing.json().error.message).toContain('Authorization: Bearer');
        const basic = await api.call({ authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }, method, url);
        expect([route, basic.statusCode, basic.json().error.code]).toEqual([route, 401, 'unauthenticated']);
        const unknown = await api.call({ authorization: 'Bearer cnd_not-a-real-key-at-all-000000000000000' }, method, url);
        expect([route, unknown.statusCode, unknown.json().error.code]).toEqual([route, 401, 'invalid_api_key']);
      }
    });

    it('names an unknown /api/v1 route in a JSON 404 (after authentication)', async () => {
      const response = await api.call('acme', 'GET', '/api/v1/nope');
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toMatchObject({ code: 'not_found', message: expect.stringContaining('GET /api/v1/nope') });
    });
  });

  describe('drafts', () => {
    it('creates a journey from JSON and updates its draft from YAML', async () => {
      const created = await api.call('acme', 'POST', '/api/v1/journeys', journey('eng-hiring'));
      expect(created.statusCode).toBe(201);
      expect(created.json().journey).toMatchObject({ id: 'eng-hiring', name: 'Journey eng-hiring', draft: { id: 'eng-hiring' } });
      expect(created.json().journey.latestVersion).toBeUndefined();
      const again = await api.call('acme', 'POST', '/api/v1/journeys', journey('eng-hiring'));
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('journey_exists');

      const yaml = DEFAULT_EN.replace('id: default-en', 'id: eng-hiring').replace('maxSilence: 5 ', 'maxSilence: 4 ');
      const updated = await api.call('acme', 'PUT', '/api/v1/journeys/eng-hiring/draft', yaml);
      expect(updated.statusCode).toBe(200);
      expect(updated.json().journey.draft.maxSilence).toBe(4);
    });

    it('gives back the YAML as it was written, comments and all, for an editor to show: draft, published and shipped', async () => {
      const yaml = DEFAULT_EN.replace('id: default-en', 'id: yaml-source');
      expect(yaml).toContain('#');
      expect((await api.call('acme', 'PUT', '/api/v1/journeys/yaml-source/draft', yaml)).statusCode).toBe(201);
      expect((await api.call('acme', 'GET', '/api/v1/journeys/yaml-source')).json()).toMatchObject({ draftSource: yaml, published: null });
      expect((await api.call('acme', 'POST', '/api/v1/journeys/yaml-source/publish')).statusCode).toBe(201);
      expect((await api.call('acme', 'GET', '/api/v1/journeys/yaml-source')).json().published).toMatchObject({ version: 1, source: yaml });
      expect((await api.call('acme', 'GET', '/api/v1/journeys/default-en')).json().shipped.source).toBe(DEFAULT_EN);
      // A draft sent as JSON has no YAML to give back.
      expect((await api.call('acme', 'PUT', '/api/v1/journeys/json-only/draft', journey('json-only'))).statusCode).toBe(201);
      expect((await api.call('acme', 'GET', '/api/v1/journeys/json-only')).json().draftSource).toBeNull();
    });

    it('rejects an invalid definition with every problem and its path', async () => {
      const response = await api.call(
        'acme',
        'PUT',
        '/api/v1/journeys/broken/draft',
        journey('broken', (d) => {
          d.maxSilence = 0;
          d.stages.applied.onEnter[0]!.delay = 'soon';
        }),
      );
      expect(response.statusCode).toBe(422);
      const { error } = response.json();
      expect(error.code).toBe('invalid_definition');
      expect(asList<{ path: string }>(error.details).map((d) => d.path)).toEqual(expect.arrayContaining(['maxSilence', 'stages.applied.onEnter[0].delay']));
      expect(error.message).toContain('maxSilence');
      expect((await api.call('acme', 'GET', '/api/v1/journeys/broken')).statusCode).toBe(404);
    });

    it('rejects a text with an unknown placeholder at its path, a YAML syntax error with its line, and an id that differs from the URL', async () => {
      const placeholder = await api.call('acme', 'PUT', '/api/v1/journeys/typo/draft', journey('typo', (d) => (d.stages.applied.onEnter[0]!.text!.en!.body = 'Hi {{ candidate.fristName }}')));
      expect(placeholder.statusCode).toBe(422);
      expect(placeholder.json().error.details).toEqual([expect.objectContaining({ path: 'stages.applied.onEnter[0].text.en', message: expect.stringContaining('candidate.fristName') })]);

      const yaml = await api.call('acme', 'PUT', '/api/v1/journeys/yaml/draft', 'id: yaml\nstages: [unclosed\n');
      expect(yaml.statusCode).toBe(400);
      expect(yaml.json().error).toMatchObject({ code: 'invalid_yaml', message: expect.stringMatching(/line \d+/) });

      const mismatch = await api.call('acme', 'PUT', '/api/v1/journeys/one/draft', journey('two'));
      expect(mismatch.statusCode).toBe(422);
      expect(mismatch.json().error).toMatchObject({ code: 'id_mismatch', details: [{ path: 'id', message: 'expected "one"' }] });

      const badId = await api.call('acme', 'GET', '/api/v1/journeys/has%20space');
      expect(badId.statusCode).toBe(400);
      expect(badId.json().error.details[0].path).toBe('journeyId');

      const notJson = await api.call('acme', 'POST', '/api/v1/journeys', undefined, { 'content-type': 'application/json' }).then(() =>
        fetch(`${api.base}/api/v1/journeys`, { method: 'POST', headers: { authorization: `Bearer ${api.keys.acme}`, 'content-type': 'application/json' }, body: '{"id": ' }),
      );
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    });

    it('validates without saving', async () => {
      const ok = await api.call('acme', 'POST', '/api/v1/journeys/validate', journey('scratch'));
      expect(ok.json()).toMatchObject({ ok: true, definition: { id: 'scratch' } });
      const bad = await api.call('acme', 'POST', '/api/v1/journeys/validate', { id: 'scratch' });
      expect(bad.statusCode).toBe(200);
      expect(bad.json().ok).toBe(false);
      expect(asList<{ path: string }>(bad.json().errors).map((e) => e.path)).toEqual(expect.arrayContaining(['statusUpdate', 'interview']));
      expect((await api.call('acme', 'GET', '/api/v1/journeys/scratch')).statusCode).toBe(404);
    });
  });

  describe('versions', () => {
    it('publishes drafts as numbered versions, lists them and diffs any two', async () => {
      await api.call('acme', 'PUT', '/api/v1/journeys/sales/draft', journey('sales'));
      const v1 = await api.call('acme', 'POST', '/api/v1/journeys/sales/publish');
      expect(v1.statusCode).toBe(201);
      expect(v1.json()).toMatchObject({ journeyId: 'sales', version: 1, label: 'sales@v1', runningJourneys: { following: 0, upgradesAt: 'next-stage-change' } });
      // Journeys on the board (as running journeys write their rows): two open on sales, one ended, one on another
      // journey, and globex's own journey with the same id. Publishing counts the first two and signals none of them
      // (this harness has no Temporal client at all); each takes the new version at its next stage change.
      const row = (tenant: string, applicationId: string, journeyId: string, status: 'open' | 'closing' | 'completed') =>
        projectJourney(api.db, {
          tenant, applicationId, journeyId, definitionVersion: `${journeyId}@v1`, status, outcome: null, stage: 'applied', paused: false, timeZone: null, locale: null,
          startedAt: null, waitingSince: Date.now(), lastMessage: null, nextMessage: null, seq: 1,
        });
      await row('acme', 'sales-1', 'sales', 'open');
      await row('acme', 'sales-2', 'sales', 'closing');
      await row('acme', 'sales-3', 'sales', 'completed');
      await row('acme', 'other-1', 'default-en', 'open');
      await row('globex', 'sales-1', 'sales', 'open');
      await api.call('acme', 'PUT', '/api/v1/journeys/sales/draft', journey('sales', (d) => (d.ackWithin = '2m')));
      expect((await api.call('acme', 'POST', '/api/v1/journeys/sales/publish')).json()).toMatchObject({ version: 2, label: 'sales@v2', runningJourneys: { following: 2, upgradesAt: 'next-stage-change' } });

      const versions = await api.call('acme', 'GET', '/api/v1/journeys/sales/versions');
      expect(asList<{ version: number }>(versions.json().versions).map((v) => v.version)).toEqual([2, 1]);
      const one = await api.call('acme', 'GET', '/api/v1/journeys/sales/versions/1');
      expect(one.json()).toMatchObject({ version: 1, definition: { id: 'sales', ackWithin: '5m' } });
      expect((await api.call('acme', 'GET', '/api/v1/journeys/sales/versions/9')).statusCode).toBe(404);

      const diff = await api.call('acme', 'GET', '/api/v1/journeys/sales/diff?from=1&to=2');
      expect(diff.json().changes).toEqual([{ path: 'ackWithin', change: 'changed', from: '5m', to: '2m' }]);
      const fromShipped = await api.call('acme', 'GET', '/api/v1/journeys/default-en/diff?from=shipped&to=draft');
      expect(fromShipped.statusCode).toBe(404);
      const badQuery = await api.call('acme', 'GET', '/api/v1/journeys/sales/diff?from=latest');
      expect(badQuery.statusCode).toBe(400);
      expect(badQuery.json().error.details[0].path).toBe('from');

      const get = await api.call('acme', 'GET', '/api/v1/journeys/sales');
      expect(get.json()).toMatchObject({ id: 'sales', origin: 'tenant', published: { version: 2, label: 'sales@v2' }, shipped: null });
      const list = await api.call('acme', 'GET', '/api/v1/journeys');
      expect(list.json().journeys).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: 'sales', origin: 'tenant', latestVersion: 2 }),
          expect.objectContaining({ id: 'default-en', origin: 'shipped' }),
          expect.objectContaining({ id: 'default-sv', origin: 'shipped' }),
        ]),
      );
    });

    it('explains why it cannot publish: no such journey, or no draft', async () => {
      const missing = await api.call('acme', 'POST', '/api/v1/journeys/nothing-here/publish');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.message).toContain('PUT /api/v1/journeys/nothing-here/draft');
    });
  });

  describe('simulation', () => {
    it.each(['default-en', 'default-sv'])('shows %s keeping the promise: acknowledged within 5 minutes, never silent past maxSilence', async (id) => {
      const response = await api.call('acme', 'POST', `/api/v1/journeys/${id}/simulate`, {
        start: TUESDAY_MORNING,
        candidate: { timeZone: 'Europe/London' },
        events: [
          { at: '0m', type: 'ats.application.created', stage: 'applied' },
          { at: '3d', type: 'ats.application.stage_changed', stage: 'screening' },
        ],
        until: '40d',
        variables: { 'candidate.firstName': 'Ada' },
      });
      expect(response.statusCode).toBe(200);
      const result = response.json();
      const first = result.messages[0];
      expect(first.template).toBe('applied.ack');
      expect(Date.parse(String(first.at)) - Date.parse(TUESDAY_MORNING)).toBeLessThanOrEqual(5 * 60_000);
      expect(first.localTime).toContain('Europe/London');
      expect(first.body).toContain('Ada');
      expect(asList<{ template: string }>(result.messages).some((m) => m.template === 'screening.started')).toBe(true);
      expect(result.longestSilence.businessDays).toBeGreaterThan(0);
      expect(result.longestSilence.businessDays).toBeLessThanOrEqual(Number(result.maxSilence));
    });

    it('runs a draft through to its closing message', async () => {
      const response = await api.call('acme', 'POST', '/api/v1/journeys/sales/simulate', {
        start: TUESDAY_MORNING,
        candidate: { timeZone: 'Europe/Stockholm', channels: { email: true, sms: false } },
        events: [
          { at: '0m', type: 'ats.application.created' },
          { at: '2d', type: 'ats.interview.scheduled', interview: { id: 'int-1', start: '6d', end: '6d1h' } },
          { at: '8d', type: 'ats.application.hired' },
        ],
      });
      const result = response.json();
      expect(result).toMatchObject({ completed: true, outcome: 'hired', timeZone: 'Europe/Stockholm' });
      expect(asList<{ template: string }>(result.messages).map((m) => m.template)).toEqual(expect.arrayContaining(['applied.ack', 'interview.confirmed', 'interview.thanks', 'hired.welcome']));
      expect(asList<{ channel: string }>(result.messages).every((m) => m.channel === 'email')).toBe(true);
    });

    it('rejects a bad script with paths, and an inline definition with its problems', async () => {
      const empty = await api.call('acme', 'POST', '/api/v1/journeys/default-en/simulate', { events: [] });
      expect(empty.statusCode).toBe(400);
      expect(empty.json().error.details[0].path).toBe('events');
      const badEvent = await api.call('acme', 'POST', '/api/v1/journeys/default-en/simulate', { candidate: { timeZone: 'Mars/Base' }, events: [{ at: 'tomorrow', type: 'ats.application.nope' }] });
      expect(asList<{ path: string }>(badEvent.json().error.details).map((d) => d.path)).toEqual(expect.arrayContaining(['candidate.timeZone', 'events[0].at', 'events[0].type']));
      const inline = await api.call('acme', 'POST', '/api/v1/journeys/default-en/simulate', { definition: { id: 'x' }, events: [{ at: '0m', type: 'ats.application.created' }] });
      expect(inline.statusCode).toBe(422);
      expect(inline.json().error.code).toBe('invalid_definition');
      const unknown = await api.call('acme', 'POST', '/api/v1/journeys/unknown/simulate', { events: [{ at: '0m', type: 'ats.application.created' }] });
      expect(unknown.statusCode).toBe(404);
    });
  });

  describe('template preview', () => {
    it('renders a template with sample data as the candidate would read it', async () => {
      const email = await api.call('acme', 'POST', '/api/v1/journeys/default-en/preview', { template: 'applied.ack', sample: { candidate: { firstName: 'Grace' }, job: { title: 'Compiler Engineer' } } });
      expect(email.statusCode).toBe(200);
      expect(email.json()).toMatchObject({ template: 'applied.ack', channel: 'email', subject: expect.stringContaining('Compiler Engineer'), text: expect.stringContaining('Grace') });
      const sms = await api.call('acme', 'POST', '/api/v1/journeys/default-sv/preview', { template: 'applied.ack', channel: 'sms', locale: 'sv-SE', sample: { candidate: { firstName: 'Astrid' } } });
      expect(sms.json()).toMatchObject({ channel: 'sms', text: expect.stringContaining('Astrid') });
      const interview = await api.call('acme', 'POST', '/api/v1/journeys/default-en/preview', { template: 'interview.confirmed' });
      expect(interview.statusCode).toBe(200);
    });

    it('names the templates a journey has when asked for another, and validates the request', async () => {
      const unknown = await api.call('acme', 'POST', '/api/v1/journeys/default-en/preview', { template: 'applied.nope' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.message).toContain('applied.ack');
      const bad = await api.call('acme', 'POST', '/api/v1/journeys/default-en/preview', { template: 'Not A Key' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details[0].path).toBe('template');
    });
  });

  describe('job assignments', () => {
    it('assigns published journeys to jobs and as the tenant default, which is what new applications then follow', async () => {
      const resolve = (jobId?: string, locale = 'en') => resolvePublishedJourney(api.db, shipped, { tenant: 'acme', ...(jobId ? { jobId } : {}), locale }, Date.now());
      expect((await resolve('job-1')).version).toMatch(/^default-en@/);

      const unpublished = await api.call('acme', 'PUT', '/api/v1/journey-assignments/jobs/job-1', { journeyId: 'eng-hiring' });
      expect(unpublished.statusCode).toBe(422);
      expect(unpublished.json().error.code).toBe('journey_not_published');
      expect((await api.call('acme', 'PUT', '/api/v1/journey-assignments/jobs/job-1', { journey: 'x' })).json().error.details[0].path).toBe('journeyId');

      await api.call('acme', 'POST', '/api/v1/journeys/eng-hiring/publish');
      expect((await api.call('acme', 'PUT', '/api/v1/journey-assignments/jobs/job-1', { journeyId: 'eng-hiring' })).json()).toMatchObject({ scope: 'job', jobId: 'job-1', journeyId: 'eng-hiring' });
      expect((await api.call('acme', 'PUT', '/api/v1/journey-assignments/default', { journeyId: 'sales' })).json()).toMatchObject({ scope: 'tenant-default', journeyId: 'sales' });
      const list = await api.call('acme', 'GET', '/api/v1/journey-assignments');
      expect(list.json().assignments).toHaveLength(2);

      expect((await resolve('job-1')).version).toBe('eng-hiring@v1');
      expect((await resolve('job-2')).version).toBe('sales@v2');
      expect((await resolve(undefined)).version).toBe('sales@v2');

      expect((await api.call('acme', 'DELETE', '/api/v1/journey-assignments/default')).statusCode).toBe(204);
      expect((await api.call('acme', 'DELETE', '/api/v1/journey-assignments/default')).statusCode).toBe(404);
      expect((await resolve('job-2')).version).toMatch(/^default-en@/);
      expect((await resolve('job-1')).version).toBe('eng-hiring@v1');

      // A tenant's own version of a shipped default replaces that default for the tenant.
      await api.call('acme', 'PUT', '/api/v1/journeys/default-en/draft', journey('default-en', (d) => (d.ackWithin = '3m')));
      await api.call('acme', 'POST', '/api/v1/journeys/default-en/publish');
      expect((await resolve('job-2')).version).toBe('default-en@v1');
      expect((await resolve('job-2', 'sv-SE')).version).toMatch(/^default-sv@/);
      const diff = await api.call('acme', 'GET', '/api/v1/journeys/default-en/diff?from=shipped&to=1');
      expect(diff.json().changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'ackWithin', from: '5m', to: '3m' })]));
      expect((await api.call('acme', 'DELETE', '/api/v1/journey-assignments/jobs/job-1')).statusCode).toBe(204);
    });
  });

  describe('consent and erasure', () => {
    it('reads, sets and clears an opt-out per tenant, channel and contact', async () => {
      const ada = { channel: 'email', contact: 'Ada@Example.com' };
      expect((await api.call('acme', 'POST', '/api/v1/consent/status', ada)).json()).toEqual({ channel: 'email', optedOut: false });
      expect((await api.call('acme', 'POST', '/api/v1/consent/opt-out', ada)).json()).toEqual({ channel: 'email', optedOut: true });
      expect((await api.call('acme', 'POST', '/api/v1/consent/status', { channel: 'email', contact: 'ada@example.com' })).json()).toMatchObject({ optedOut: true, source: 'recruiter-api', optedOutAt: expect.any(String) });
      expect((await api.call('acme', 'POST', '/api/v1/consent/status', { channel: 'sms', contact: '+46701234567' })).json().optedOut).toBe(false);
      // Another tenant's opt-out list is its own.
      expect((await api.call('globex', 'POST', '/api/v1/consent/status', ada)).json().optedOut).toBe(false);
      expect((await api.call('globex', 'POST', '/api/v1/consent/opt-in', ada)).json().optedOut).toBe(false);
      expect((await api.call('acme', 'POST', '/api/v1/consent/status', ada)).json().optedOut).toBe(true);
      expect((await api.call('acme', 'POST', '/api/v1/consent/opt-in', ada)).json()).toEqual({ channel: 'email', optedOut: false });

      const badPhone = await api.call('acme', 'POST', '/api/v1/consent/opt-out', { channel: 'sms', contact: '0701234567' });
      expect(badPhone.statusCode).toBe(400);
      expect(badPhone.json().error.details[0]).toMatchObject({ path: 'contact', message: expect.stringContaining('E.164') });
      expect((await api.call('acme', 'POST', '/api/v1/consent/opt-out', { channel: 'fax', contact: 'x' })).json().error.details[0].path).toBe('channel');
    });

    it('erases a candidate\u2019s messages from the store, only in the caller\u2019s tenant', async () => {
      const insert = (tenant: string, applicationId: string, recipient: string) =>
        api.db.query(`insert into outbox (message_id, tenant_id, application_id, channel, recipient, locale, template, body) values ($1, $2, $3, 'email', $4, 'en', 'applied.ack', 'Hi Ada')`, [
          `${tenant}-${applicationId}-${recipient}`,
          tenant,
          applicationId,
          recipient,
        ]);
      await insert('acme', 'app-e1', 'ada@example.com');
      await insert('acme', 'app-e2', 'ada@example.com');
      await insert('acme', 'app-other', 'bob@example.com');
      await insert('globex', 'app-e1', 'ada@example.com');
      const count = async (tenant: string) => (await api.db.query('select 1 from outbox where tenant_id = $1', [tenant])).rows.length;

      const invalid = await api.call('acme', 'POST', '/api/v1/erasures', { candidateId: 'cand-1', applicationIds: [] });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error.details[0].path).toBe('applicationIds');

      const erased = await api.call('acme', 'POST', '/api/v1/erasures', { candidateId: 'cand-1', applicationIds: ['app-e1'], contacts: { email: 'ADA@example.com' } });
      expect(erased.statusCode).toBe(202);
      expect(erased.json()).toMatchObject({ candidateId: 'cand-1', journeys: [{ applicationId: 'app-e1', journey: 'not-running' }], deleted: { outboxMessages: 2 } });
      expect(await count('acme')).toBe(1);
      expect(await count('globex')).toBe(1);
    });
  });

  describe('tenant isolation', () => {
    it('never shows or changes one tenant\u2019s journeys through another tenant\u2019s key', async () => {
      const list = await api.call('globex', 'GET', '/api/v1/journeys');
      expect(asList<{ id: string }>(list.json().journeys).map((j) => j.id).sort()).toEqual(['default-en', 'default-sv']);
      expect(asList<{ origin: string }>(list.json().journeys).every((j) => j.origin === 'shipped')).toBe(true);
      for (const [method, url] of [
        ['GET', '/api/v1/journeys/sales'],
        ['GET', '/api/v1/journeys/sales/versions'],
        ['GET', '/api/v1/journeys/sales/versions/1'],
        ['GET', '/api/v1/journeys/sales/diff?from=1&to=2'],
        ['POST', '/api/v1/journeys/sales/publish'],
      ] as const) {
        const response = await api.call('globex', method, url);
        expect([url, response.statusCode]).toEqual([url, 404]);
      }
      expect((await api.call('globex', 'POST', '/api/v1/journeys/sales/simulate', { events: [{ at: '0m', type: 'ats.application.created' }] })).statusCode).toBe(404);
      expect((await api.call('globex', 'POST', '/api/v1/journeys/sales/preview', { template: 'applied.ack' })).statusCode).toBe(404);
      expect((await api.call('globex', 'PUT', '/api/v1/journey-assignments/default', { journeyId: 'sales' })).statusCode).toBe(422);
      expect((await api.call('globex', 'GET', '/api/v1/journey-assignments')).json().assignments).toEqual([]);
      expect((await api.call('globex', 'DELETE', '/api/v1/journey-assignments/jobs/job-1')).statusCode).toBe(404);
      // The shipped default stays shipped for globex, though acme published its own default-en.
      expect((await api.call('globex', 'GET', '/api/v1/journeys/default-en')).json()).toMatchObject({ origin: 'shipped', published: null, draft: null });

      // The same id is an independent journey per tenant.
      expect((await api.call('globex', 'PUT', '/api/v1/journeys/sales/draft', journey('sales'))).statusCode).toBe(201);
      expect((await api.call('globex', 'POST', '/api/v1/journeys/sales/publish')).json().version).toBe(1);
      expect((await api.call('acme', 'GET', '/api/v1/journeys/sales')).json().published.version).toBe(2);
    });
  });
});

import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { registerAtsWebhooks } from '../../services/api/ats-webhooks';
import { journeySignals, registerMessagingRoutes } from '../../services/api/messaging';
import { buildApi, listen, metricsAddress, type ApiDeps } from '../../services/api/server';
import { ConfigError, loadConfig } from '../../core/config';
import { createKafka } from '../../core/kafka/client';
import { createLogger } from '../../core/logger';
import { addApiKey, ensureTenant, generateApiKey, migrate, openPgliteDatabase, type Database } from '../../core/store';
import { connectTemporalClient } from '../../core/temporal/connection';
import { testConfig } from '../helpers/env';

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789';

/** A YAML "billion laughs": nine aliases of nine aliases, six levels deep (9^6 = 531,441 strings from 500 bytes). */
const ALIAS_BOMB = [
  'id: laughs',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f'].map((name, i) => `${name}: &${name} [${Array.from({ length: 9 }, () => `*${'abcde'[i]}`).join(',')}]`),
].join('\n');

/** The API's error body. */
interface ErrorBody {
  error: { code: string; message: string };
}

/** One real HTTP request; returns status, headers and the body as text. */
async function send(base: string, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`${base}${path}`, { method, ...(init.headers ? { headers: init.headers } : {}), ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: <T = ErrorBody>() => JSON.parse(text) as T };
}

/** A request Node's fetch would not send (a 20 KiB request line), written on a socket of its own. */
function rawRequest(port: number, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Every API error: JSON in the `{ error: { code, message } }` shape, never sniffed, never cached. */
function expectApiError(response: { status: number; headers: Headers; json: () => ErrorBody }, status: number, code: string, message?: string | RegExp): void {
  expect([response.status, response.json().error.code]).toEqual([status, code]);
  expect(Object.keys(response.json())).toEqual(['error']);
  expect(response.json().error.message.length).toBeGreaterThan(10);
  if (message) expect(response.json().error.message).toMatch(message);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('cache-control')).toBe('no-store');
}

describe('the HTTP boundary: hostile input, error shape, response headers, metrics and docs, access logs (real Fastify server on a real port)', () => {
  const logLines: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ logLevel: 'info', secrets: [] }, logDestination);
  let db: Database;
  let temporal: Client;
  let key: string;
  const servers: FastifyInstance[] = [];

  /** buildApi wired as main.ts wires it (recruiter API, ATS and provider webhooks, unsubscribe link), listening on a free port. */
  const start = async (extra: Partial<ApiDeps> & { docsPublic?: boolean } = {}) => {
    const { docsPublic, ...deps } = extra;
    const app = buildApi({ logger, probes: [], ...deps, v1: { db, temporal, publicUrl: 'http://localhost:3000', ...(docsPublic !== undefined ? { docsPublic } : {}) } });
    registerAtsWebhooks(app, { db, kafka: createKafka(testConfig(), logger, 'api') });
    registerMessagingRoutes(app, { db, logger, journeys: journeySignals(temporal), publicUrl: 'http://localhost:3000' });
    // An operator route that fails unexpectedly, to see a 500 under /admin.
    app.get('/admin/failing-for-the-test', async () => {
      throw new Error('a bug with a secret detail');
    });
    servers.push(app);
    await listen(app, { http: { host: '127.0.0.1', port: 0, publicUrl: 'http://localhost:3000' } });
    const port = (app.server.address() as AddressInfo).port;
    return { app, port, base: `http://127.0.0.1:${port}` };
  };

  let api: Awaited<ReturnType<typeof start>>;
  const auth = () => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    db = await openPgliteDatabase(undefined);
    await migrate(db);
    await ensureTenant(db, { id: 'acme', name: 'Acme' });
    key = generateApiKey();
    await addApiKey(db, 'acme', key, 'test');
    temporal = await connectTemporalClient(testConfig());
    api = await start({ metrics: { token: METRICS_TOKEN, port: undefined } });
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await temporal?.connection.close();
    await db?.close();
  });

  describe('hostile bodies are refused with a 4xx, and the server keeps answering', () => {
    it('a YAML alias bomb posted as a journey is a 400 invalid_yaml that names the alias limit', async () => {
      const response = await send(api.base, 'POST', '/api/v1/journeys', { headers: { ...auth(), 'content-type': 'application/yaml' }, body: ALIAS_BOMB });
      expectApiError(response, 400, 'invalid_yaml', /aliases .* expand to more than 100 nodes/);
      // The same through the endpoints that read a definition inside a JSON body.
      const simulated = await send(api.base, 'POST', '/api/v1/journeys/demo/simulate', { headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ events: [{ at: '2026-01-05T10:00:00+01:00', type: 'ats.application.created' }], definition: ALIAS_BOMB }) });
      expectApiError(simulated, 400, 'invalid_yaml', /aliases/);
    });

    it('YAML and JSON nested past 64 levels are a 400 before any recursive reader sees them', async () => {
      const yamlBodies = ['- '.repeat(5000) + 'x', '['.repeat(5000) + ']'.repeat(5000), Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')];
      for (const body of yamlBodies) {
        const response = await send(api.base, 'POST', '/api/v1/journeys/validate', { headers: { ...auth(), 'content-type': 'application/yaml' }, body });
        expectApiError(response, 400, 'invalid_yaml', 'The YAML is nested too deeply (more than 64 levels)');
      }
      for (const body of ['['.repeat(10_000) + ']'.repeat(10_000), `{"id":"deep","stages":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`]) {
        const response = await send(api.base, 'POST', '/api/v1/journeys', { headers: { ...auth(), 'content-type': 'application/json' }, body });
        expectApiError(response, 400, 'invalid_body', 'The JSON body is nested too deeply (more than 64 levels)');
      }
      // A shipped journey as written (8 levels, with comments) still reads, and the process is alive.
      const shipped = await send(api.base, 'POST', '/api/v1/journeys/validate', { headers: { ...auth(), 'content-type': 'application/yaml' }, body: readFileSync(join(__dirname, '..', '..', 'journeys', 'default-en.yaml'), 'utf8') });
      expect([shipped.status, shipped.json<{ ok: boolean }>().ok]).toEqual([200, true]);
      expect((await send(api.base, 'GET', '/healthz')).status).toBe(200);
    });
  });

  it('answers every error under /api and /admin in the API error shape with a message that says what to change', async () => {
    const json = { ...auth(), 'content-type': 'application/json' };
    expectApiError(await send(api.base, 'GET', '/api/v1/nope', { headers: auth() }), 404, 'not_found', 'No route for GET /api/v1/nope; see GET /docs');
    expectApiError(await send(api.base, 'GET', '/admin/nope'), 404, 'not_found', 'No route for GET /admin/nope');
    const wrongMethod = await send(api.base, 'DELETE', '/api/v1/journeys/validate', { headers: auth() });
    expectApiError(wrongMethod, 405, 'method_not_allowed', '/api/v1/journeys/validate does not accept DELETE; it accepts');
    expect(wrongMethod.headers.get('allow')).toContain('POST');
    expectApiError(await send(api.base, 'POST', '/api/v1/journeys', { headers: json, body: JSON.stringify({ id: 'x'.repeat(1024 * 1024) }) }), 413, 'body_too_large', '(1 MiB)');
    expectApiError(await send(api.base, 'GET', `/api/v1/journeys/${'a'.repeat(300)}`, { headers: auth() }), 414, 'uri_too_long', 'longer than 256 characters');
    // A 129-character id is under the router's limit and gets the route's own validation.
    expectApiError(await send(api.base, 'GET', `/api/v1/journeys/${'a'.repeat(129)}`, { headers: auth() }), 400, 'invalid_request');
    expectApiError(await send(api.base, 'POST', '/api/v1/journeys', { headers: { ...auth(), 'content-type': 'text/csv' }, body: 'a,b' }), 415, 'unsupported_media_type', 'Content-Type "text/csv" is not accepted');
    expectApiError(await send(api.base, 'POST', '/api/v1/journeys', { headers: json, body: '{"id": ' }), 400, 'invalid_body', /not valid JSON/);
    expectApiError(await send(api.base, 'GET', '/api/v1/journeys/%E0%A4%A', { headers: auth() }), 400, 'bad_url');
    const failing = await send(api.base, 'GET', '/admin/failing-for-the-test');
    expectApiError(failing, 500, 'internal', 'Something went wrong on our side');
    expect(failing.text).not.toContain('secret detail');
    expect(logLines.some((line) => line.includes('a bug with a secret detail'))).toBe(true);

    // Node's own parser refuses a request line over 16 KiB before Fastify sees it: same shape.
    const huge = await rawRequest(api.port, `/api/v1/journeys?${'q'.repeat(20 * 1024)}`);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.text)).toEqual({ error: { code: 'headers_too_large', message: expect.stringContaining('shorten the URL') } });
    expect(huge.headers['x-content-type-options']).toBe('nosniff');
  });

  it('says nosniff and no-store on API answers and candidate pages; the console keeps its ETag revalidation', async () => {
    for (const [path, headers] of [
      ['/api/v1/journeys', auth()],
      ['/healthz', {}],
      ['/readyz', {}],
      ['/docs', {}],
      ['/unsubscribe?token=not-a-token', {}],
    ] as const) {
      const response = await send(api.base, 'GET', path, { headers });
      expect([path, response.headers.get('x-content-type-options'), response.headers.get('cache-control')]).toEqual([path, 'nosniff', 'no-store']);
    }
    const console = await send(api.base, 'GET', '/console');
    expect(console.headers.get('cache-control')).toBe('no-cache');
    expect(console.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = console.headers.get('etag')!;
    expect((await send(api.base, 'GET', '/console', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  describe('/metrics and /docs are a configured choice', () => {
    it('/metrics answers only with METRICS_TOKEN as a bearer token', async () => {
      expectApiError(await send(api.base, 'GET', '/metrics'), 401, 'unauthenticated', 'METRICS_TOKEN');
      expectApiError(await send(api.base, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } }), 401, 'unauthenticated');
      const scraped = await send(api.base, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('candor_process_cpu_seconds_total');
    });

    it('without a token or a port, /metrics is not served to anyone, and says how to enable it', async () => {
      const closed = await start();
      expectApiError(await send(closed.base, 'GET', '/metrics'), 403, 'metrics_not_public', /METRICS_TOKEN .* METRICS_PORT/);
    });

    it('with METRICS_PORT, /metrics moves to that port and the API port no longer has it', async () => {
      const separate = await start({ metrics: { token: undefined, port: 0 } });
      expectApiError(await send(separate.base, 'GET', '/metrics'), 404, 'not_found');
      const metricsPort = metricsAddress(separate.app)!.port;
      expect(metricsPort).not.toBe(separate.port);
      const scraped = await send(`http://127.0.0.1:${metricsPort}`, 'GET', '/metrics');
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('candor_process_cpu_seconds_total');
      // The metrics port serves nothing else.
      expectApiError(await send(`http://127.0.0.1:${metricsPort}`, 'GET', '/api/v1/journeys', { headers: auth() }), 404, 'not_found');
    });

    it('/docs is public by default; with API_DOCS_PUBLIC=false it takes an API key', async () => {
      expect((await send(api.base, 'GET', '/docs')).status).toBe(200);
      const privateDocs = await start({ docsPublic: false });
      expectApiError(await send(privateDocs.base, 'GET', '/docs'), 401, 'unauthenticated');
      expectApiError(await send(privateDocs.base, 'GET', '/docs/openapi.json'), 401, 'unauthenticated');
      const withKey = await send(privateDocs.base, 'GET', '/docs', { headers: auth() });
      expect([withKey.status, withKey.json<{ openapi: string }>().openapi]).toEqual([200, '3.1.0']);
    });

    it('the settings are read and checked by config', () => {
      const base = { HTTP_PORT: '3000' };
      expect(loadConfig({ ...base }).metrics).toEqual({ token: undefined, port: undefined });
      expect(loadConfig({ ...base }).apiDocsPublic).toBe(true);
      const set = loadConfig({ ...base, METRICS_TOKEN: METRICS_TOKEN, METRICS_PORT: '9464', API_DOCS_PUBLIC: 'false' });
      expect([set.metrics, set.apiDocsPublic]).toEqual([{ token: METRICS_TOKEN, port: 9464 }, false]);
      expect(set.secrets).toContain(METRICS_TOKEN);
      expect(() => loadConfig({ ...base, METRICS_PORT: '3000' })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
    });
  });

  it('access logs keep the route and a redacted path, never a token, a query string or an e-mail', async () => {
    const email = 'jane.doe+candor@example.com';
    const token = `${Buffer.from(JSON.stringify(['acme', 'app-7', 'email', email])).toString('base64url')}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg`;
    const webhookToken = 'whk_3f9a8c7e6d5b4a3f2e1d0c9b8a7f6e5d';
    logLines.length = 0;
    await send(api.base, 'GET', `/unsubscribe?token=${token}&email=${encodeURIComponent(email)}`);
    await send(api.base, 'POST', `/unsubscribe?token=${token}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    await send(api.base, 'POST', `/webhooks/ats/lever/acme?token=${webhookToken}`, { headers: { 'content-type': 'application/json' }, body: '{}' });
    await send(api.base, 'POST', `/webhooks/providers/twilio/inbound?token=${webhookToken}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Body=STOP' });
    // Tokens and addresses in the path itself: an old-style link, a mistyped route.
    await send(api.base, 'GET', `/unsubscribe/${token}`);
    await send(api.base, 'GET', `/status/${webhookToken}/${encodeURIComponent(email)}`);
    await send(api.base, 'GET', `/api/v1/journeys/default-en?email=${encodeURIComponent(email)}`, { headers: auth() });

    const access = logLines.map((line) => JSON.parse(line) as { msg: string; req?: { method: string; route?: string; path: string } }).filter((entry) => entry.req);
    expect(access.map((entry) => entry.req)).toEqual([
      { method: 'GET', route: '/unsubscribe', path: '/unsubscribe' },
      { method: 'POST', route: '/unsubscribe', path: '/unsubscribe' },
      { method: 'POST', route: '/webhooks/ats/:provider/:tenant', path: '/webhooks/ats/lever/acme' },
      { method: 'POST', route: '/webhooks/providers/twilio/inbound', path: '/webhooks/providers/twilio/inbound' },
      { method: 'GET', path: '/unsubscribe/[REDACTED]' },
      { method: 'GET', path: '/status/[REDACTED]/[REDACTED]' },
      { method: 'GET', route: '/api/v1/journeys/:journeyId', path: '/api/v1/journeys/default-en' },
    ]);
    const everything = logLines.join('\n');
    for (const secret of [token, token.split('.')[0]!, webhookToken, email, encodeURIComponent(email), 'jane.doe', key]) {
      expect([secret, everything.includes(secret)]).toEqual([secret, false]);
    }
  });
});

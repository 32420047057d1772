import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Consumer } from 'kafkajs';
import { hmacSha256Hex } from '../../services/adapters/signatures';
import { generateAdminKey } from '../../services/api/admin';
import { TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import { unique } from '../helpers/env';
import { useFixture } from '../helpers/fixture';
import { testKafka } from '../helpers/ingest-harness';

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

// Shaped like Greenhouse's documented "New Candidate Application" web hook.
const greenhouseApplication = (applicationId: number) =>
  JSON.stringify({
    action: 'new_candidate_application',
    payload: {
      application: {
        id: applicationId,
        status: 'active',
        applied_at: '2026-03-02T09:00:00Z',
        current_stage: { id: 767358, name: 'Application Review', interviews: [] },
        jobs: [{ id: 371417, name: 'Data Scientist', departments: [{ id: 5, name: 'Data Science' }], offices: [] }],
        candidate: {
          id: 2108732,
          first_name: 'Johnny',
          last_name: 'Smith',
          phone_numbers: [{ value: '+1 310 555 2849', type: 'mobile' }],
          email_addresses: [{ value: 'personal@example.com', type: 'personal' }],
        },
      },
    },
  });

describe('operators: the admin API through startCandor creates a tenant, its key and its Greenhouse adapter, and each works', () => {
  const adminKey = generateAdminKey();
  const t = useFixture({ candor: () => ({ CANDOR_ROLE: 'api', CANDOR_ADMIN_KEY: adminKey }) });
  const tenant = unique('ops').toLowerCase();
  const secret = `gh-${randomBytes(16).toString('hex')}`;
  let consumer: Consumer;
  const produced: { key: string; value: { tenant: string; type: string; subject: string } }[] = [];
  let notify: (() => void) | undefined;

  const request = async (authorization: string | undefined, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${path.startsWith('http') ? '' : t.base}${path}`, {
      method,
      headers: { ...(authorization ? { authorization: `Bearer ${authorization}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    // Bodies are read loosely (JSON.parse is any); each test asserts the fields it cares about.
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const admin = (method: string, path: string, body?: unknown) => request(adminKey, method, `/admin/v1${path}`, body);

  beforeAll(async () => {
    consumer = testKafka('candor-admin-e2e').consumer({ groupId: unique('admin-e2e-watch') });
    t.onTeardown(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC_ATS_EVENTS, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        if (!key.startsWith(`${tenant}:`)) return;
        produced.push({ key, value: JSON.parse(message.value!.toString()) as (typeof produced)[number]['value'] });
        notify?.();
      },
    });
  });

  it('creates a tenant and an API key that works on the tenant API; rotating and revoking refuse the old key; tenant and operator keys stay apart', async () => {
    const created = await admin('POST', '/tenants', { id: tenant, name: 'Operators Inc' });
    expect(created.status).toBe(201);
    expect(created.body.tenant).toEqual({ id: tenant, name: 'Operators Inc' });
    expect((await admin('GET', '/tenants')).body.tenants).toContainEqual(expect.objectContaining({ id: tenant, name: 'Operators Inc', activeKeys: 0 }));

    const key = await admin('POST', `/tenants/${tenant}/keys`, { label: 'ci' });
    expect(key.status).toBe(201);
    expect(key.headers.get('cache-control')).toBe('no-store');
    expect(key.body).toMatchObject({ label: 'ci', revokedAt: null, key: expect.stringMatching(/^cnd_[A-Za-z0-9_-]{43}$/) });
    expect((key.body.key as string).startsWith(key.body.prefix as string)).toBe(true);
    const first = key.body as { id: string; key: string };

    // The new key is this tenant's, on the tenant API.
    const board = await request(first.key, 'GET', '/api/v1/applications');
    expect(board.status).toBe(200);
    expect((await request(first.key, 'GET', '/api/v1/journeys')).status).toBe(200);

    // The list shows prefix, label and dates, never the key.
    const listed = await admin('GET', `/tenants/${tenant}/keys`);
    expect(listed.body.keys).toEqual([expect.objectContaining({ id: first.id, label: 'ci', revokedAt: null })]);
    expect(JSON.stringify(listed.body)).not.toContain(first.key);

    // The operator key and tenant keys each work only on their own API.
    expect(await request(first.key, 'GET', '/admin/v1/tenants')).toMatchObject({ status: 401, body: { error: { code: 'invalid_admin_key' } } });
    expect(await request(t.candor.demo!.apiKey, 'POST', '/admin/v1/tenants', { id: 'sneaky', name: 'x' })).toMatchObject({ status: 401, body: { error: { code: 'invalid_admin_key' } } });
    expect(await request(undefined, 'GET', '/admin/v1/tenants')).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await request(adminKey, 'GET', '/api/v1/applications')).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key', message: expect.stringMatching(/operator key/) } } });
    expect(await request(`${adminKey}x`, 'GET', '/admin/v1/tenants')).toMatchObject({ status: 401 });

    // Rotation: the new key works, the old one is refused at once.
    const rotated = await admin('POST', `/tenants/${tenant}/keys/${first.id}/rotate`);
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ label: 'ci', replaces: first.id });
    expect(await request(first.key, 'GET', '/api/v1/applications')).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key' } } });
    expect((await request(rotated.body.key as string, 'GET', '/api/v1/applications')).status).toBe(200);
    expect(await admin('POST', `/tenants/${tenant}/keys/${first.id}/rotate`)).toMatchObject({ status: 409, body: { error: { code: 'key_revoked' } } });

    // Revocation.
    const revoked = await admin('POST', `/tenants/${tenant}/keys/${rotated.body.id as string}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect((await request(rotated.body.key as string, 'GET', '/api/v1/applications')).status).toBe(401);
    expect((await admin('GET', '/tenants')).body.tenants).toContainEqual(expect.objectContaining({ id: tenant, activeKeys: 0 }));
  });

  it('configures a Greenhouse adapter: a delivery signed with its secret at the shown URL is accepted, a wrongly signed one refused; the secret is nowhere in the database in plaintext', async () => {
    const set = await admin('PUT', `/tenants/${tenant}/adapters/greenhouse`, { secret, config: { stages: { '767358': 'applied', Onsite: 'interview' }, defaultTimeZone: 'Europe/Stockholm' } });
    expect(set.status).toBe(201);
    expect(set.body).toMatchObject({ provider: 'greenhouse', secretStorage: 'sealed', config: { stages: { '767358': 'applied', Onsite: 'interview' } } });
    expect(JSON.stringify(set.body)).not.toContain(secret);

    const hooks = await admin('GET', `/tenants/${tenant}/webhooks`);
    expect(hooks.status).toBe(200);
    const greenhouse = (hooks.body.ats as { provider: string; url: string; configured: boolean }[]).find((h) => h.provider === 'greenhouse')!;
    expect(greenhouse).toMatchObject({ url: `${t.base}/webhooks/ats/greenhouse/${tenant}`, configured: true });
    expect(hooks.body.ats).toContainEqual(expect.objectContaining({ provider: 'lever', configured: false }));

    const body = greenhouseApplication(77001);
    const wrong = await fetch(greenhouse.url, { method: 'POST', body, headers: { 'content-type': 'application/json', signature: `sha256 ${hmacSha256Hex('not-the-secret-0123456789', body)}`, 'greenhouse-event-id': randomUUID() } });
    expect(wrong.status).toBe(401);
    const right = await fetch(greenhouse.url, { method: 'POST', body, headers: { 'content-type': 'application/json', signature: `sha256 ${hmacSha256Hex(secret, body)}`, 'greenhouse-event-id': randomUUID() } });
    expect(right.status).toBe(202);
    while (produced.length < 1) await new Promise<void>((resolve) => (notify = resolve));
    expect(produced).toEqual([{ key: `${tenant}:77001`, value: expect.objectContaining({ tenant, type: 'ats.application.created', subject: '77001' }) }]);

    // A config-only change keeps the secret: a delivery signed with it is still accepted.
    const reconfigured = await admin('PUT', `/tenants/${tenant}/adapters/greenhouse`, { config: { stages: { '767358': 'screening' } } });
    expect(reconfigured).toMatchObject({ status: 200, body: { config: { stages: { '767358': 'screening' } } } });
    const again = greenhouseApplication(77002);
    const accepted = await fetch(greenhouse.url, { method: 'POST', body: again, headers: { 'content-type': 'application/json', signature: `sha256 ${hmacSha256Hex(secret, again)}`, 'greenhouse-event-id': randomUUID() } });
    expect(accepted.status).toBe(202);

    // Not in the rows, and not in any file of the database after a checkpoint.
    const rows = await t.candor.db.query('select * from ats_adapters');
    expect(rows.rows).toHaveLength(1);
    expect(JSON.stringify(rows.rows)).not.toContain(secret);
    await t.candor.db.query('checkpoint');
    const needle = Buffer.from(secret);
    const holding = filesUnder(join(t.dir, 'pglite')).filter((file) => readFileSync(file).includes(needle));
    expect(holding).toEqual([]);

    const listed = await admin('GET', `/tenants/${tenant}/adapters`);
    expect(listed.body.adapters).toEqual([expect.objectContaining({ provider: 'greenhouse', secretStorage: 'sealed', webhookUrl: greenhouse.url })]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
  });

  it('answers bad input with 4xx in the API error shape', async () => {
    const badId = await admin('POST', '/tenants', { id: 'Not Valid!', name: '' });
    expect(badId.status).toBe(400);
    expect(badId.body.error.code).toBe('invalid_request');
    expect((badId.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['id', 'name']);
    expect(await admin('POST', '/tenants', { id: tenant, name: 'Again' })).toMatchObject({ status: 409, body: { error: { code: 'tenant_exists' } } });
    expect(await admin('POST', '/tenants', { id: 'x', name: 'x', extra: 1 })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await admin('POST', '/tenants/no-such-tenant/keys', {})).toMatchObject({ status: 404, body: { error: { code: 'tenant_not_found' } } });
    expect(await admin('PUT', `/tenants/${tenant}/adapters/workday`, { secret })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await admin('PUT', `/tenants/${tenant}/adapters/lever`, { config: {} })).toMatchObject({ status: 400, body: { error: { details: [{ path: 'secret' }] } } });
    expect(await admin('PUT', `/tenants/${tenant}/adapters/lever`, { secret: 'short' })).toMatchObject({ status: 400, body: { error: { details: [{ path: 'secret' }] } } });
    const badConfig = await admin('PUT', `/tenants/${tenant}/adapters/lever`, { secret, config: { stages: { a: 'promoted' }, defaultTimeZone: 'Mars/Olympus' } });
    expect(badConfig.status).toBe(400);
    expect((badConfig.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['config.defaultTimeZone', 'config.stages.a']);
    expect(await admin('POST', `/tenants/${tenant}/keys/not-a-key/revoke`)).toMatchObject({ status: 404, body: { error: { code: 'key_not_found' } } });
    const notJson = await fetch(`${t.base}/admin/v1/tenants`, { method: 'POST', body: '{"id":', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(await admin('GET', '/nowhere')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});

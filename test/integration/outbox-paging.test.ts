import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { registerOutboxRoute } from '../../services/api/messaging/outbox';
import { buildApi } from '../../services/api/server';
import { openApiDocument } from '../../services/api/v1/openapi';
import { createLogger } from '../../core/logger';
import { addApiKey, ensureTenant, generateApiKey, migrate, type Database } from '../../core/store';
import { recordOutboxMessage, type OutboxMessage } from '../../core/store/outbox';
import { databaseKinds, type FreshDatabase } from '../helpers/databases';

/** One sandbox message of `tenant`; `n` names it. */
const message = (tenant: string, n: number, channel: 'email' | 'sms' = 'email'): OutboxMessage => ({
  messageId: `msg-${String(n).padStart(3, '0')}`,
  tenant,
  applicationId: `app-${n % 4}`,
  channel,
  to: channel === 'sms' ? '+46700000000' : 'candidate@example.com',
  locale: 'en',
  template: 'ack',
  ...(channel === 'email' ? { subject: 'Thanks' } : {}),
  text: `message ${n}`,
});

interface Page {
  messages: { messageId: string; applicationId: string; channel: string; sentAt: string }[];
  nextCursor: string | null;
}

describe.each(databaseKinds)('GET /api/v1/outbox pages with a cursor (%s)', (_kind, fresh) => {
  let database: FreshDatabase;
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  const keys = { acme: generateApiKey(), globex: generateApiKey() };

  beforeAll(async () => {
    database = await fresh();
    db = database.db;
    await migrate(db);
    for (const tenant of ['acme', 'globex'] as const) {
      await ensureTenant(db, { id: tenant, name: tenant });
      await addApiKey(db, tenant, keys[tenant], 'test');
    }
    // One by one (each its own sent_at), then a batch in one transaction: those share one sent_at to the
    // microsecond, so only the message id and channel tell them apart. A message sent on both channels
    // is two rows with one id. The other tenant's rows sit in between.
    for (let n = 0; n < 9; n++) {
      await recordOutboxMessage(db, message('acme', n));
      await recordOutboxMessage(db, message('globex', n));
    }
    await db.transaction(async (tx) => {
      for (let n = 9; n < 23; n++) await recordOutboxMessage(tx, message('acme', n));
      await recordOutboxMessage(tx, message('acme', 9, 'sms'));
      for (let n = 9; n < 14; n++) await recordOutboxMessage(tx, message('globex', n));
    });
    for (let n = 23; n < 27; n++) await recordOutboxMessage(db, message('acme', n));

    app = buildApi({ logger: createLogger({ logLevel: 'silent', secrets: [] }), probes: [] });
    registerOutboxRoute(app, { db });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await database?.drop();
  });

  const get = async (tenant: 'acme' | 'globex', query: string) => {
    const response = await fetch(`${base}/api/v1/outbox?${query}`, { headers: { authorization: `Bearer ${keys[tenant]}` } });
    return { status: response.status, body: (await response.json()) as Page & { error?: { code: string; message: string; details?: { path: string }[] } } };
  };

  /** Every page from the first, following nextCursor to the end. */
  const allPages = async (tenant: 'acme' | 'globex', query: string) => {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await get(tenant, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(status).toBe(200);
      pages.push(body);
      cursor = body.nextCursor;
    } while (cursor !== null && pages.length < 100);
    return pages;
  };

  /** The tenant's rows in the outbox's order, read from the store directly. */
  const expected = async (tenant: string, applicationId?: string) =>
    (
      await db.query<{ message_id: string; channel: string }>(
        `select message_id, channel from outbox where tenant_id = $1 and ($2::text is null or application_id = $2) order by sent_at desc, message_id, channel`,
        [tenant, applicationId ?? null],
      )
    ).rows.map((r) => `${r.message_id}/${r.channel}`);

  it('returns every message of the tenant exactly once, newest first, across pages of any size', async () => {
    for (const [tenant, count] of [['acme', 28], ['globex', 14]] as const) {
      const want = await expected(tenant);
      expect(want).toHaveLength(count);
      for (const limit of [1, 5, 7, count, 500]) {
        const pages = await allPages(tenant, `limit=${limit}`);
        const got = pages.flatMap((p) => p.messages.map((m) => `${m.messageId}/${m.channel}`));
        expect(got).toEqual(want);
        expect(pages).toHaveLength(Math.max(1, Math.ceil(count / limit)));
        expect(pages.every((p) => p.messages.length <= limit)).toBe(true);
        expect(pages.at(-1)!.nextCursor).toBeNull();
      }
    }
  });

  it('pages one application of the tenant the same way', async () => {
    const want = await expected('acme', 'app-1');
    const pages = await allPages('acme', 'applicationId=app-1&limit=2');
    expect(pages.flatMap((p) => p.messages.map((m) => `${m.messageId}/${m.channel}`))).toEqual(want);
    expect(pages.flatMap((p) => p.messages).every((m) => m.applicationId === 'app-1')).toBe(true);
  });

  it('never shows another tenant\u2019s messages, even with that tenant\u2019s cursor', async () => {
    const { body: globexFirst } = await get('globex', 'limit=3');
    const { status, body } = await get('acme', `limit=500&cursor=${encodeURIComponent(globexFirst.nextCursor!)}`);
    expect(status).toBe(200);
    const acme = new Set(await expected('acme'));
    expect(body.messages.every((m) => acme.has(`${m.messageId}/${m.channel}`))).toBe(true);
  });

  it('answers 400 with a clear message for a cursor it did not give out', async () => {
    const forged = Buffer.from(JSON.stringify(['yesterday', 'msg-001', 'email'])).toString('base64url');
    for (const cursor of ['not-a-cursor', forged, Buffer.from('[1,2]').toString('base64url'), '']) {
      const { status, body } = await get('acme', `cursor=${encodeURIComponent(cursor)}`);
      expect(status).toBe(400);
      expect(body.error).toEqual({ code: 'invalid_request', message: 'The query is invalid: cursor: expected the nextCursor of a previous page, passed back unchanged', details: [{ path: 'cursor', message: 'expected the nextCursor of a previous page, passed back unchanged' }] });
    }
  });

  it('is described in the OpenAPI document with its cursor, limit and nextCursor', () => {
    const outbox = openApiDocument('http://localhost:3000').paths['/api/v1/outbox' as keyof ReturnType<typeof openApiDocument>['paths']] as unknown as { get: { parameters: { name: string }[]; responses: Record<string, unknown> } };
    expect(outbox.get.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['applicationId', 'limit', 'cursor']));
    expect(JSON.stringify(outbox.get.responses['200'])).toContain('nextCursor');
    expect(Object.keys(outbox.get.responses)).toEqual(expect.arrayContaining(['400', '401', '503']));
  });
});

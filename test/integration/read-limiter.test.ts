import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { registerOutboxRoute } from '../../services/api/messaging/outbox';
import { readLimiterOf, type ReadLimiter } from '../../services/api/read-limiter';
import { buildApi } from '../../services/api/server';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { addApiKey, ensureTenant, generateApiKey, migrate, openPgliteDatabase, type Database, type Queryable } from '../../core/store';
import { recordOutboxMessage } from '../../core/store/outbox';

/**
 * The read limiter (README "Reads never starve sending"): read-heavy routes run `concurrency` at a time,
 * up to `queue` more wait in order, any beyond that get 503 with Retry-After at once (the slots' rests
 * after each read are shown in test/unit/read-limiter.test.ts; here share is 1). The outbox's query is
 * held at a gate, so the test decides when a read finishes; nothing is timed.
 */
describe('read-heavy API routes wait their turn and are shed when too many wait (real HTTP server)', () => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let limiter: ReadLimiter;
  const key = generateApiKey();
  /** Outbox reads that reached the database, and the most that were there at once. */
  const reads = { entered: 0, running: 0, most: 0 };
  let open!: () => void;
  let gate = new Promise<void>((resolve) => (open = resolve));
  let reached!: () => void;
  const firstReached = new Promise<void>((resolve) => (reached = resolve));

  beforeAll(async () => {
    db = await openPgliteDatabase(undefined);
    await migrate(db);
    await ensureTenant(db, { id: 'acme', name: 'Acme' });
    await addApiKey(db, 'acme', key, 'test');
    await recordOutboxMessage(db, { messageId: 'm1', tenant: 'acme', applicationId: 'a1', channel: 'email', to: 'c@example.com', locale: 'en', template: 'ack', subject: 'Hi', text: 'Hello' });
    const gated: Queryable = {
      query: async (sql, params) => {
        if (!/from outbox/.test(sql)) return db.query(sql, params);
        reads.entered++;
        reads.running++;
        reads.most = Math.max(reads.most, reads.running);
        reached();
        await gate;
        try {
          return await db.query(sql, params);
        } finally {
          reads.running--;
        }
      },
      exec: (sql) => db.exec(sql),
    };
    app = buildApi({ logger: createLogger({ logLevel: 'silent', secrets: [] }), probes: [], reads: { concurrency: 1, queue: 1, share: 1 } });
    registerOutboxRoute(app, { db: gated });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    limiter = readLimiterOf(app)!;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const outbox = () => fetch(`${base}/api/v1/outbox?limit=10`, { headers: { authorization: `Bearer ${key}` } });
  const until = async (done: () => boolean) => {
    while (!done()) await limiter.changed();
  };

  it('serves one read at a time, queues the next, sheds the one after with 503 and Retry-After, then serves the queue in order', async () => {
    const first = outbox();
    await firstReached;
    const second = outbox();
    await until(() => limiter.stats().queued === 1);
    expect(limiter.stats()).toEqual({ active: 1, queued: 1 });

    const shed = await outbox();
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(await shed.json()).toEqual({ error: { code: 'busy', message: 'Too many reads are waiting (1 run at a time, 1 may wait); retry after 1 s' } });
    // The shed request never reached the database, and routes that are not read-heavy are not held.
    expect(reads.entered).toBe(1);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    open();
    const answers = await Promise.all([first, second]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await answers[1]?.json()).toEqual({ messages: [expect.objectContaining({ messageId: 'm1' })], nextCursor: null });
    expect(reads).toEqual({ entered: 2, running: 0, most: 1 });
    await until(() => limiter.stats().active === 0);
    expect(limiter.stats()).toEqual({ active: 0, queued: 0 });
  });

  it('gives the slot of a request answered early (401) back, so the next read runs', async () => {
    gate = Promise.resolve();
    const unauthenticated = await fetch(`${base}/api/v1/outbox`);
    expect(unauthenticated.status).toBe(401);
    await until(() => limiter.stats().active === 0);
    expect((await outbox()).status).toBe(200);
  });

  it('is configured by API_READ_CONCURRENCY, API_READ_SHARE and API_READ_QUEUE: two at a time, reading half the time, 32 waiting by default', () => {
    expect(loadConfig({}).apiReads).toEqual({ concurrency: 2, share: 0.5, queue: 32 });
    expect(loadConfig({ API_READ_CONCURRENCY: '4', API_READ_SHARE: '1', API_READ_QUEUE: '0' }).apiReads).toEqual({ concurrency: 4, share: 1, queue: 0 });
    expect(() => loadConfig({ API_READ_CONCURRENCY: '0' })).toThrow(/API_READ_CONCURRENCY/);
    expect(() => loadConfig({ API_READ_SHARE: '0' })).toThrow(/API_READ_SHARE/);
  });
});

import type { Client } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerApiV1 } from '../../services/api/v1';
import { addApiKey, ensureTenant, generateApiKey, migrate, openPgliteDatabase, type Database } from '../../core/store';

/** Two tenants with a key each, so every test can check that one tenant never sees the other's data. */
export interface ApiHarness {
  app: FastifyInstance;
  db: Database;
  keys: { acme: string; globex: string };
  /** Every route /api/v1 registered, as "METHOD /path" with Fastify's `:param` syntax. */
  routes: string[];
  /** Where the server listens, e.g. http://127.0.0.1:40123. */
  base: string;
  /** A real HTTP request as `tenant` (or with no key, or a raw Authorization header); a string body is sent as YAML. */
  call(as: 'acme' | 'globex' | { authorization?: string }, method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** A JSON array read from a response, typed for the test's callbacks. */
export const asList = <T>(value: unknown): T[] => value as T[];

/** A response with its body read. */
export interface ApiResponse {
  statusCode: number;
  body: string;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies loosely
  json<T = any>(): T;
}

/** The recruiter API on a fresh migrated in-memory database (or `db`), driven with fastify.inject. */
export async function apiHarness(options: { temporal?: Client; db?: Database } = {}): Promise<ApiHarness> {
  const db = options.db ?? (await openPgliteDatabase(undefined));
  await migrate(db);
  await ensureTenant(db, { id: 'acme', name: 'Acme' });
  await ensureTenant(db, { id: 'globex', name: 'Globex' });
  const keys = { acme: generateApiKey(), globex: generateApiKey() };
  await addApiKey(db, 'acme', keys.acme, 'test');
  await addApiKey(db, 'globex', keys.globex, 'test');
  const app = Fastify();
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD' && route.url.startsWith('/api/v1/')) routes.push(`${method} ${route.url}`);
  });
  registerApiV1(app, { db, temporal: options.temporal, publicUrl: 'http://localhost:3000' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    db,
    keys,
    routes,
    base,
    async call(as, method, url, body, headers = {}) {
      const authorization = typeof as === 'string' ? `Bearer ${keys[as]}` : as.authorization;
      const isText = typeof body === 'string';
      const response = await fetch(`${base}${url}`, {
        method,
        headers: { ...(authorization ? { authorization } : {}), ...(body !== undefined ? { 'content-type': isText ? 'application/yaml' : 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: isText ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { statusCode: response.status, body: text, headers: response.headers, json: <T,>() => JSON.parse(text) as T };
    },
    async close() {
      await app.close();
      if (!options.db) await db.close();
    },
  };
}

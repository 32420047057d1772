import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const PUBLIC_DIR = join(__dirname, '..', '..', 'public', 'console');
const FILES: Record<string, string> = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8' };

/**
 * The console's own code comes only from here; an e-mail preview (a sandboxed srcdoc iframe, which inherits
 * this policy) may show its inline styles and https images but can run nothing and post nowhere.
 */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Serves the recruiter console: static files from public/console (no build step), read and gzipped once at
 * start, revalidated by ETag. The page talks to /api/v1 with the key the recruiter enters, so it needs no
 * session of its own.
 */
export function registerConsole(app: FastifyInstance): void {
  const files = new Map(
    Object.entries(FILES).map(([name, type]) => {
      const body = readFileSync(join(PUBLIC_DIR, name));
      return [name, { type, body, gzip: gzipSync(body, { level: 9 }), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` }];
    }),
  );
  const send = (name: string) => {
    const file = files.get(name)!;
    return async (request: FastifyRequest, reply: FastifyReply) => {
      reply
        .type(file.type)
        .header('cache-control', 'no-cache')
        .header('etag', file.etag)
        .header('vary', 'accept-encoding')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('referrer-policy', 'no-referrer');
      if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
      if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(file.gzip);
      return reply.send(file.body);
    };
  };
  app.get('/console', send('index.html'));
  app.get('/console/', send('index.html'));
  app.get('/console/app.js', send('app.js'));
  app.get('/console/style.css', send('style.css'));
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const PUBLIC_DIR = join(__dirname, '..', '..', 'public', 'console');
const FILES: Record<string, string> = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8' };

/**
 * Serves the recruiter console: static files from public/console (no build step), read once at start.
 * The page talks to /api/v1 with the key the recruiter enters, so it needs no session of its own.
 */
export function registerConsole(app: FastifyInstance): void {
  const files = new Map(Object.entries(FILES).map(([name, type]) => [name, { type, body: readFileSync(join(PUBLIC_DIR, name)) }]));
  const send = (name: string) => {
    const file = files.get(name)!;
    return async (_request: unknown, reply: FastifyReply) => reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  };
  app.get('/console', send('index.html'));
  app.get('/console/', send('index.html'));
  app.get('/console/app.js', send('app.js'));
  app.get('/console/style.css', send('style.css'));
}

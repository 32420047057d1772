import type { FastifyInstance } from 'fastify';

const installed = new WeakSet<FastifyInstance>();

/**
 * Every response of `scope` says `X-Content-Type-Options: nosniff` (a browser never guesses a JSON or text
 * body to be HTML or script) and, unless its route chose its own caching (the console's static files
 * revalidate by ETag), `Cache-Control: no-store`: API answers, candidate pages and errors carry tenant or
 * candidate data that no browser or proxy cache should keep.
 */
export function installResponseHeaders(scope: FastifyInstance): void {
  if (installed.has(scope)) return;
  installed.add(scope);
  scope.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

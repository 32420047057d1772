import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config';
import { checkReadiness, type Probe } from '../health/readiness';
import type { Logger } from '../logger';
import { registerApiV1, type ApiV1Deps } from './v1';

/** What the api role needs; probes come from the process that owns the connections. */
export interface ApiDeps {
  logger: Logger;
  probes: Probe[];
  registry?: Registry;
  /** The recruiter REST API (/api/v1, /docs); left out when absent. */
  v1?: ApiV1Deps;
}

/** Builds the HTTP server: health, readiness and metrics (the REST API and console mount here). */
export function buildApi(deps: ApiDeps): FastifyInstance {
  // Fastify's types want its own logger interface; pino's Logger is one, but tsc cannot see it through the generics.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const app = Fastify({ loggerInstance: deps.logger.child({ role: 'api' }) as FastifyBaseLogger });
  const registry = deps.registry ?? new Registry();
  if (!deps.registry) collectDefaultMetrics({ register: registry, prefix: 'candor_' });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await checkReadiness(deps.probes);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });

  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));

  if (deps.v1) registerApiV1(app, deps.v1);

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` } }),
  );
  return app;
}

/** Starts listening on the configured host and port; a busy port is named in the error. */
export async function listen(app: FastifyInstance, config: Pick<Config, 'http'>): Promise<void> {
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${config.http.port} (HTTP API) is already in use by another program. Stop it or set HTTP_PORT.`);
    }
    throw error;
  }
}

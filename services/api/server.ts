import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../../core/config';
import { checkReadiness, type Probe } from '../health/readiness';
import { accessLogRequest, type Logger } from '../../core/logger';
import { registerApiV1, type ApiV1Deps } from './v1';
import { ApiError, clientErrorHandler, frameworkErrors, installErrorHandler, noRouteError, trackRouteMethods } from './v1/errors';
import { installResponseHeaders } from './v1/response-headers';
import { installJsonBodyParser } from './v1/safe-parsing';
import { DEFAULT_READ_LIMIT, installReadLimiter } from './read-limiter';
import { signalCandidateReply } from '../../core/temporal/journeys';
import { journeySignals } from './messaging/journey-signals';
import { registerStatusPage } from '../status-page';
import { candidateSignals } from '../status-page/journey-interviews';

/** What the api role needs; probes come from the process that owns the connections. */
export interface ApiDeps {
  logger: Logger;
  probes: Probe[];
  registry?: Registry;
  /** The recruiter REST API (/api/v1, /docs); left out when absent. */
  v1?: ApiV1Deps;
  /**
   * Who may read /metrics (README "Metrics and docs"): with `token`, callers that send it as a bearer token; with
   * `port`, it is served only on that port. With neither, /metrics answers 403 and says how to enable it.
   */
  metrics?: Config['metrics'];
  /** How many read-heavy requests (outbox, board, timelines) run at once and wait (services/api/read-limiter.ts); a default otherwise. */
  reads?: Config['apiReads'];
}

/** Longer path parameters answer 414; it leaves room for the API's longest ids (128 characters). */
const MAX_PARAM_LENGTH = 256;

/** The metrics listener of each API server built with a metrics port; `listen` starts it. */
const metricsServers = new WeakMap<FastifyInstance, { server: FastifyInstance; port: number }>();

/** A Fastify instance with the API's conventions: its error shape for every error, safe access logs, response headers. */
function fastifyWithApiConventions(logger: Logger, role: string): FastifyInstance {
  const app = Fastify({
    // Fastify's types want its own logger interface; pino's Logger is one, but tsc cannot see it through the generics.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: logger.child({ role }, { serializers: { req: accessLogRequest } }) as FastifyBaseLogger,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrors(MAX_PARAM_LENGTH),
    clientErrorHandler,
  });
  const routes = trackRouteMethods(app);
  installResponseHeaders(app);
  installErrorHandler(app);
  installJsonBodyParser(app);
  app.setNotFoundHandler((request) => {
    throw noRouteError(routes, request);
  });
  return app;
}

/** Whether the request carries `token` as its bearer token (compared in constant time). */
function hasBearer(request: FastifyRequest, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/** GET /metrics on `app`, behind the token when one is configured. */
function registerMetrics(app: FastifyInstance, registry: Registry, token: string | undefined, separatePort: boolean): void {
  app.get('/metrics', async (request, reply) => {
    if (token !== undefined && !hasBearer(request, token)) {
      throw new ApiError(401, 'unauthenticated', 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"', undefined, { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    if (token === undefined && !separatePort) {
      throw new ApiError(403, 'metrics_not_public', 'Metrics are not served to everyone on the API port: set METRICS_TOKEN (then send it as a bearer token) or METRICS_PORT (a port of their own)');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

/** Builds the HTTP server: health, readiness and metrics (the REST API and console mount here). */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = fastifyWithApiConventions(deps.logger, 'api');
  const registry = deps.registry ?? new Registry();
  if (!deps.registry) collectDefaultMetrics({ register: registry, prefix: 'candor_' });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await checkReadiness(deps.probes);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });

  const metricsPort = deps.metrics?.port;
  if (metricsPort === undefined) {
    registerMetrics(app, registry, deps.metrics?.token, false);
  } else {
    const server = fastifyWithApiConventions(deps.logger, 'metrics');
    registerMetrics(server, registry, deps.metrics?.token, true);
    metricsServers.set(app, { server, port: metricsPort });
    app.addHook('onClose', async () => {
      await server.close();
    });
  }

  // Before any route: the outbox (registered later on this app) and the board are limited alike.
  installReadLimiter(app, { ...DEFAULT_READ_LIMIT, ...deps.reads });
  if (deps.v1) {
    registerApiV1(app, deps.v1);
    // The candidate's status page (/s/{token}); its survey's read-out (/api/v1/surveys) is one of the v1 routes.
    const { db, temporal } = deps.v1;
    registerStatusPage(app, {
      db,
      shipped: deps.v1.shipped,
      reply: temporal ? (tenant, applicationId, reply) => signalCandidateReply(temporal, tenant, applicationId, reply) : undefined,
      warn: (message) => deps.logger.warn(message),
      journeys: temporal ? journeySignals(temporal) : undefined,
      candidate: temporal ? candidateSignals(temporal) : undefined,
    });
  }
  return app;
}

/** The port the metrics listener of `app` listens on (after `listen`), or undefined without one. */
export function metricsAddress(app: FastifyInstance): { port: number } | undefined {
  const entry = metricsServers.get(app);
  if (!entry) return undefined;
  const address = entry.server.server.address();
  return address && typeof address === 'object' ? { port: address.port } : { port: entry.port };
}

/** Starts listening on the configured host and port (and the metrics port, when there is one); a busy port is named in the error. */
export async function listen(app: FastifyInstance, config: Pick<Config, 'http'>): Promise<void> {
  const bind = async (server: FastifyInstance, port: number, what: string, variable: string) => {
    try {
      await server.listen({ host: config.http.host, port });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new Error(`Port ${port} (${what}) is already in use by another program. Stop it or set ${variable}.`);
      }
      throw error;
    }
  };
  await bind(app, config.http.port, 'HTTP API', 'HTTP_PORT');
  const metrics = metricsServers.get(app);
  if (!metrics) return;
  try {
    await bind(metrics.server, metrics.port, 'metrics', 'METRICS_PORT');
  } catch (error) {
    await app.close();
    throw error;
  }
}

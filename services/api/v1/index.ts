import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { loadDefaultJourneys, type VersionedDefinition } from '../../../core/journeys/default-journeys';
import { registerConsole } from '../../console';
import type { Database } from '../../../core/store';
import { registerAlertRoutes } from './alerts';
import { registerAnalyticsRoutes } from './analytics';
import { registerApplicationRoutes } from './applications';
import { registerConsentRoutes } from './consent';
import { registerStatusPageApi } from '../../status-page/recruiter-routes';
import { candidateSignals } from '../../status-page/journey-interviews';
import { journeySignals } from '../messaging/journey-signals';
import { registerQuestionRoutes } from '../messaging/question-routes';
import { requireApiKey } from './auth';
import { ApiError, installErrorHandler, noRouteError, trackRouteMethods } from './errors';
import { registerJourneyRoutes } from './journeys';
import { openApiDocument } from './openapi';
import { installResponseHeaders } from './response-headers';
import { installJsonBodyParser } from './safe-parsing';

/** What the recruiter API needs; main.ts wires the process's database and Temporal client. */
export interface ApiV1Deps {
  db: Database;
  /** Without a client, journey routes still work (publishing never signals journeys) and /applications answers 503. */
  temporal: Client | undefined;
  /** Public base URL, for the OpenAPI document. */
  publicUrl: string;
  /** The journeys' task queue (TEMPORAL_TASK_QUEUE); erasure workflows of applications without a journey run there. */
  taskQueue?: string;
  /** The shipped default journeys; loaded from journeys/ unless given. */
  shipped?: Map<string, VersionedDefinition>;
  /** Serve /docs without an API key (API_DOCS_PUBLIC; default true): the document holds no tenant's data. */
  docsPublic?: boolean;
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * Mounts the recruiter REST API under /api/v1 (every route authenticated by API key, scoped to its tenant)
 * its OpenAPI document at /docs, and the recruiter console at /console.
 */
export function registerApiV1(app: FastifyInstance, deps: ApiV1Deps): void {
  const shipped = deps.shipped ?? loadDefaultJourneys();
  const routes = trackRouteMethods(app);
  installResponseHeaders(app);
  const document = openApiDocument(deps.publicUrl);
  void app.register(async (docs) => {
    installErrorHandler(docs);
    // Private docs take any tenant's API key: the document is the same for every tenant.
    if (deps.docsPublic === false) requireApiKey(docs, deps.db);
    docs.get('/docs', async () => document);
    docs.get('/docs/openapi.json', async () => document);
  });
  // The recruiter console is a static page over this API.
  registerConsole(app);

  void app.register(
    async (scope) => {
      installErrorHandler(scope);
      installJsonBodyParser(scope);
      // Journey definitions may be posted as YAML, the format the shipped defaults are written in.
      scope.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));
      requireApiKey(scope, deps.db);
      const temporal = deps.temporal;
      registerJourneyRoutes(scope, { db: deps.db, shipped });
      registerConsentRoutes(scope, { db: deps.db, temporal, ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}) });
      registerStatusPageApi(scope, { db: deps.db, candidate: temporal ? candidateSignals(temporal) : undefined });
      registerQuestionRoutes(scope, { db: deps.db, journeys: temporal ? journeySignals(temporal) : undefined });
      registerAnalyticsRoutes(scope, { db: deps.db, shipped });
      registerAlertRoutes(scope, { db: deps.db });
      if (temporal) {
        registerApplicationRoutes(scope, { db: deps.db, temporal });
      } else {
        scope.all('/applications*', async () => {
          throw new ApiError(503, 'unavailable', 'This process has no Temporal connection; applications are served by the api role');
        });
      }
      scope.setNotFoundHandler((request) => {
        throw noRouteError(routes, request, '; see GET /docs');
      });
    },
    { prefix: '/api/v1' },
  );
}

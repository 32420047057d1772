import type { FastifyInstance } from 'fastify';
import { surveyResults } from '../../core/store/candidate-surveys';
import type { Queryable } from '../../core/store';
import { tenantOf } from '../api/v1/auth';
import { ApiError } from '../api/v1/errors';

/**
 * GET /api/v1/surveys?by=version|job: the candidates' verdicts from their status pages, per journey version or per
 * job, for the key's tenant. Registered in the authenticated /api/v1 scope.
 */
export function registerSurveyRoutes(scope: FastifyInstance, deps: { db: Queryable }): void {
  scope.get<{ Querystring: { by?: string } }>('/surveys', async (request) => {
    const by = request.query.by ?? 'version';
    if (by !== 'version' && by !== 'job') throw new ApiError(400, 'invalid_query', 'by must be "version" or "job"');
    return { by, groups: await surveyResults(deps.db, tenantOf(request).id, by) };
  });
}

import type { FastifyInstance } from 'fastify';
import { surveyResults } from '../../core/store/candidate-surveys';
import type { Queryable } from '../../core/store';
import { revokeStatusTokens } from '../../core/store/status-tokens';
import { ID_PATTERN } from '../../workflows/shared';
import { tenantOf } from '../api/v1/auth';
import { ApiError } from '../api/v1/errors';

/**
 * The recruiters' side of the status page, in the authenticated /api/v1 scope (the key's tenant only):
 * GET /surveys?by=version|job, the candidates' verdicts per journey version or per job; and
 * POST /status-links/{applicationId}/revoke, which makes every link of an application answer "expired" at once
 * (a link forwarded or sent to the wrong address); the next message that links the page brings a new one.
 */
export function registerStatusPageApi(scope: FastifyInstance, deps: { db: Queryable }): void {
  scope.get<{ Querystring: { by?: string } }>('/surveys', async (request) => {
    const by = request.query.by ?? 'version';
    if (by !== 'version' && by !== 'job') throw new ApiError(400, 'invalid_query', 'by must be "version" or "job"');
    return { by, groups: await surveyResults(deps.db, tenantOf(request).id, by) };
  });
  scope.post<{ Params: { applicationId: string } }>('/status-links/:applicationId/revoke', async (request) => {
    const { applicationId } = request.params;
    if (!ID_PATTERN.test(applicationId)) throw new ApiError(400, 'invalid_request', 'applicationId must be 1-128 letters, digits, ".", "_" or "-"');
    return { applicationId, revoked: await revokeStatusTokens(deps.db, tenantOf(request).id, applicationId) };
  });
}

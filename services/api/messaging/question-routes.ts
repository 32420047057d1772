import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../../core/store';
import { answerQuestion, listQuestions, QUESTION_TEXT_LIMIT } from '../../../core/store/candidate-questions';
import { ID_PATTERN } from '../../../workflows/shared';
import { tenantOf } from '../v1/auth';
import { ApiError } from '../v1/errors';
import type { JourneySignals } from './journey-signals';

/**
 * The recruiters' inbox, in the authenticated /api/v1 scope (the key's tenant only):
 * GET /questions?applicationId=…&status=open|answered|all lists candidates' questions, newest first;
 * POST /questions/{questionId}/answer { text, by? } records the answer once and tells the journey, which sends it to
 * the candidate on the channel they asked on (through the ledger, once). A second answer gets 409 and is not sent.
 */
export function registerQuestionRoutes(scope: FastifyInstance, deps: { db: Queryable; journeys?: Pick<JourneySignals, 'answered'> | undefined }): void {
  scope.get<{ Querystring: { applicationId?: string; status?: string; limit?: string } }>('/questions', async (request) => {
    const { applicationId, status = 'all', limit } = request.query;
    if (applicationId !== undefined && !ID_PATTERN.test(applicationId)) throw new ApiError(400, 'invalid_query', 'applicationId must be 1-128 letters, digits, ".", "_" or "-"');
    if (status !== 'open' && status !== 'answered' && status !== 'all') throw new ApiError(400, 'invalid_query', 'status must be "open", "answered" or "all"');
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new ApiError(400, 'invalid_query', 'limit must be 1-500');
    return { questions: await listQuestions(deps.db, tenantOf(request).id, { applicationId, status, limit: n }) };
  });

  scope.post<{ Params: { questionId: string }; Body: unknown }>('/questions/:questionId/answer', async (request, reply) => {
    const body = (request.body ?? {}) as { text?: unknown; by?: unknown };
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    if (text === '' || text.length > QUESTION_TEXT_LIMIT) throw new ApiError(400, 'invalid_request', `text must be 1-${QUESTION_TEXT_LIMIT} characters`);
    const by = typeof body.by === 'string' && body.by.trim() !== '' ? body.by.trim().slice(0, 120) : undefined;
    const tenant = tenantOf(request).id;
    const result = await answerQuestion(deps.db, tenant, request.params.questionId, { text, by });
    if (result.status === 'unknown') throw new ApiError(404, 'not_found', 'No such question');
    if (result.status === 'already') throw new ApiError(409, 'already_answered', 'This question has an answer already; it was sent to the candidate');
    const question = result.question!;
    // The answer is stored: the journey sends it (an ended journey or a missing client leaves it in the inbox, answered).
    let sent = false;
    if (deps.journeys?.answered) {
      sent = await deps.journeys.answered(tenant, question.applicationId, question.questionId).then(
        () => true,
        () => false,
      );
    }
    return reply.code(200).send({ question, sending: sent });
  });
}

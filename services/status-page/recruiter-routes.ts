import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InterviewSlot } from '../../core/events/schemas';
import { surveyResults } from '../../core/store/candidate-surveys';
import { hasWithdrawn, offeredSlots, offerSlots, readAccessibilityNeeds, rescheduleRequests, SlotConflictError } from '../../core/store/interview-slots';
import type { CandidateSignals } from './journey-interviews';
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
export function registerStatusPageApi(scope: FastifyInstance, deps: { db: Queryable; candidate?: CandidateSignals | undefined; warn?: (message: string) => void }): void {
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

  registerInterviewSlotApi(scope, deps);
}

/** The body of POST /applications/{applicationId}/interview-slots: the interview's id and the slots offered for it. */
const SlotOffer = z.object({ interviewId: z.string().regex(ID_PATTERN), slots: z.array(InterviewSlot).min(1).max(50) }).strict();

/**
 * Interview slots through the API (the key's tenant only): POST offers slots for one interview of an application (the
 * same slot id offered to several applications is one slot, booked once; a slot id offered again with other times is
 * a 409) and tells the journey, which invites the candidate to choose on their status page; GET shows what the
 * candidate did: each slot free, booked by them or taken, their requests for another time with notes, their
 * accessibility needs (the only place they can be read) and whether they withdrew.
 */
function registerInterviewSlotApi(scope: FastifyInstance, deps: { db: Queryable; candidate?: CandidateSignals | undefined; warn?: (message: string) => void }): void {
  const application = async (tenant: string, applicationId: string) => {
    if (!ID_PATTERN.test(applicationId)) throw new ApiError(400, 'invalid_request', 'applicationId must be 1-128 letters, digits, ".", "_" or "-"');
    const { rows } = await deps.db.query('select 1 from journey_board where tenant_id = $1 and application_id = $2', [tenant, applicationId]);
    if (rows.length === 0) throw new ApiError(404, 'not_found', `No journey for application ${applicationId}`);
  };
  scope.post<{ Params: { applicationId: string } }>('/applications/:applicationId/interview-slots', async (request, reply) => {
    const tenant = tenantOf(request).id;
    const { applicationId } = request.params;
    await application(tenant, applicationId);
    const parsed = SlotOffer.safeParse(request.body);
    if (!parsed.success) {
      throw new ApiError(400, 'invalid_request', 'The body must be { interviewId, slots: [{ id, start, end, location?, link? }] }', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const { interviewId, slots } = parsed.data;
    let added: number;
    try {
      ({ added } = await offerSlots(deps.db, { tenant, applicationId, interviewId, offeredBy: 'recruiter', slots: slots.map((s) => ({ slotId: s.id, start: s.start, end: s.end, location: s.location, link: s.link })) }));
    } catch (error) {
      if (error instanceof SlotConflictError) throw new ApiError(409, 'slot_conflict', `${error.message}; offer it with the same times or give it another id`);
      throw error;
    }
    // One invitation per new offer: its id comes from the slots, so a repeated request sends nothing again.
    if (added > 0 && deps.candidate) {
      const offerId = createHash('sha256').update(slots.map((s) => s.id).sort().join('\n')).digest('base64url').slice(0, 16);
      await deps.candidate.interview(tenant, applicationId, { action: 'offered', interviewId, offerId }).catch(() => deps.warn?.('could not tell the journey about offered interview slots'));
    }
    return reply.code(added > 0 ? 201 : 200).send({ applicationId, interviewId, added, slots: await offeredSlots(deps.db, tenant, applicationId) });
  });
  scope.get<{ Params: { applicationId: string } }>('/applications/:applicationId/interview-slots', async (request) => {
    const tenant = tenantOf(request).id;
    const { applicationId } = request.params;
    await application(tenant, applicationId);
    const [slots, requests, needs, withdrawn] = await Promise.all([
      offeredSlots(deps.db, tenant, applicationId),
      rescheduleRequests(deps.db, tenant, applicationId),
      readAccessibilityNeeds(deps.db, tenant, applicationId),
      hasWithdrawn(deps.db, tenant, applicationId),
    ]);
    return { applicationId, slots, rescheduleRequests: requests, accessibilityNeeds: needs ?? null, withdrawn };
  });
}

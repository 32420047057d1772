import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ID_PATTERN } from '../../../workflows/shared';
import { listRecruiterAlerts, settleRecruiterAlert, type StoredAlert } from '../../../core/store/alerts';
import type { Queryable } from '../../../core/store';
import { readApplicationPeople } from '../../../core/store/people';
import { tenantOf } from './auth';
import { ApiError, parseRequest } from './errors';

const ListQuery = z
  .object({
    state: z.enum(['open', 'acknowledged', 'resolved', 'all']).default('open'),
    applicationId: z.string().regex(ID_PATTERN).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
const AlertParams = z.object({ alertId: z.string().min(1).max(300) });

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const present = (alert: StoredAlert) => ({
  alertId: alert.alert_id,
  applicationId: alert.application_id,
  reason: alert.reason,
  days: alert.days,
  raisedAt: iso(alert.raised_at),
  acknowledgedAt: iso(alert.acknowledged_at),
  resolvedAt: iso(alert.resolved_at),
  escalatedAt: iso(alert.escalated_at),
});

/**
 * Recruiter alerts (README "Alerts that reach a person"): the tenant's alerts by state, with the candidate's name
 * and job opened for this tenant, and acknowledging or resolving one.
 */
export function registerAlertRoutes(scope: FastifyInstance, deps: { db: Queryable }): void {
  scope.get('/alerts', async (request) => {
    const tenant = tenantOf(request);
    const query = parseRequest(ListQuery, request.query, 'query string');
    const alerts = await listRecruiterAlerts(deps.db, tenant.id, query.state, query.limit, query.applicationId);
    const people = await readApplicationPeople(deps.db, tenant.id, [...new Set(alerts.map((a) => a.application_id))]);
    return {
      alerts: alerts.map((a) => ({ ...present(a), candidateName: people.get(a.application_id)?.candidateName ?? null, jobTitle: people.get(a.application_id)?.jobTitle ?? null })),
    };
  });
  for (const action of ['acknowledge', 'resolve'] as const) {
    scope.post(`/alerts/:alertId/${action}`, async (request) => {
      const tenant = tenantOf(request);
      const { alertId } = parseRequest(AlertParams, request.params, 'path');
      const alert = await settleRecruiterAlert(deps.db, tenant.id, alertId, action);
      if (!alert) throw new ApiError(404, 'alert_not_found', `There is no alert "${alertId}"`);
      return present(alert);
    });
  }
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ID_PATTERN } from '../../../workflows/shared';
import { countRecruiterAlerts, listRecruiterAlerts, settleRecruiterAlert, type StoredAlert } from '../../../core/store/alerts';
import type { Queryable } from '../../../core/store';
import { readApplicationPeople } from '../../../core/store/people';
import { tenantOf } from './auth';
import { ApiError, parseRequest } from './errors';

/** An alert's kind as the journeys and the status page name it (max-silence, waiting, low-survey-score, …). */
const REASON = /^[a-z][a-z0-9-]{0,63}$/;
const ListQuery = z
  .object({
    state: z.enum(['open', 'acknowledged', 'resolved', 'all']).default('open'),
    applicationId: z.string().regex(ID_PATTERN).optional(),
    /** One kind or several, comma-separated. */
    reason: z
      .string()
      .max(500)
      .transform((v) => v.split(',').map((r) => r.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(REASON, 'each kind is lower-case letters, digits and dashes, like max-silence')).min(1, 'name at least one kind').max(20))
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
const AlertParams = z.object({ alertId: z.string().min(1, 'the alert id is empty').max(300, 'an alert id has at most 300 characters') });

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
    const [alerts, counts] = await Promise.all([listRecruiterAlerts(deps.db, tenant.id, query.state, query.limit, query.applicationId, query.reason), countRecruiterAlerts(deps.db, tenant.id, query.applicationId)]);
    const people = await readApplicationPeople(deps.db, tenant.id, [...new Set(alerts.map((a) => a.application_id))]);
    return {
      alerts: alerts.map((a) => {
        const p = people.get(a.application_id);
        return { ...present(a), candidateName: p?.candidateName ?? null, jobTitle: p?.jobTitle ?? null, atsUrl: p?.atsUrl ?? null };
      }),
      counts,
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

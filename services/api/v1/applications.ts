import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { StageCategory, TemplateKey, type TimelineEntry } from '../../../workflows/engine';
import { journeyStatusQuery, journeyTimelineQuery, journeyWorkflowId, recruiterActionUpdate, SA_STAGE, SA_TENANT, SA_WAITING_SINCE, type JourneyStatus, type RecruiterActionRequest } from '../../../workflows/shared';
import type { Queryable } from '../../store';
import { journeyHandle } from '../../temporal/journeys';
import { tenantOf } from './auth';
import { ApiError, parseRequest } from './errors';

/** What the application routes need. */
export interface ApplicationRoutesDeps {
  db: Queryable;
  temporal: Client;
}

/** The most running journeys one list request reads from visibility before sorting. */
const MAX_SCAN = 10_000;
/**
 * How long one visibility scan serves identical board requests. Visibility cannot sort by a custom search
 * attribute on the dev server's (SQL) store, so the board reads every open journey and sorts; concurrent and
 * back-to-back requests share one scan instead of each paying for it. Visibility itself lags by about as much.
 */
const SCAN_TTL_MS = 2_000;

interface ScannedJourney {
  applicationId: string;
  stage: string | null;
  waitingSince: string | null;
  startedAt: string;
}

/** Coalesces identical visibility scans: one in flight per query, reused for SCAN_TTL_MS. */
function scanCache(temporal: Client) {
  const entries = new Map<string, { at: number; result: Promise<{ items: ScannedJourney[]; truncated: boolean }> }>();
  return (query: string, prefix: string) => {
    const now = Date.now();
    for (const [key, entry] of entries) if (now - entry.at > SCAN_TTL_MS) entries.delete(key);
    const cached = entries.get(query);
    if (cached) return cached.result;
    const result = (async () => {
      const items: ScannedJourney[] = [];
      let truncated = false;
      for await (const execution of temporal.workflow.list({ query })) {
        if (items.length >= MAX_SCAN) {
          truncated = true;
          break;
        }
        if (!execution.workflowId.startsWith(prefix)) continue;
        const waitingSince = execution.typedSearchAttributes.get(SA_WAITING_SINCE);
        items.push({
          applicationId: execution.workflowId.slice(prefix.length),
          stage: execution.typedSearchAttributes.get(SA_STAGE) ?? null,
          waitingSince: waitingSince ? waitingSince.toISOString() : null,
          startedAt: execution.startTime.toISOString(),
        });
      }
      // Longest waiting first: that is who a recruiter should look at.
      items.sort((a, b) => (a.waitingSince ?? a.startedAt).localeCompare(b.waitingSince ?? b.startedAt) || a.applicationId.localeCompare(b.applicationId));
      return { items, truncated };
    })();
    entries.set(query, { at: now, result });
    result.catch(() => entries.delete(query));
    return result;
  };
}

const ApplicationParams = z.object({ applicationId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'expected an ATS application id: letters, digits, ".", "_" or "-"') });
const ListQuery = z
  .object({
    stage: StageCategory.optional(),
    /** Only candidates who have been waiting since before this time. */
    waitingSinceBefore: z.iso.datetime({ offset: true }).optional(),
    /** `breached`: with an open recruiter alert (silence, waiting too long, every channel failed); `ok`: without. */
    sla: z.enum(['breached', 'ok']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
const SendNowBody = z.object({ template: TemplateKey }).strict();

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** A journey's status with times as ISO strings. */
const presentStatus = (status: JourneyStatus) => ({
  ...status,
  lastMessageAt: iso(status.lastMessageAt),
  nextWakeUp: iso(status.nextWakeUp),
  scheduled: status.scheduled.map((s) => ({ ...s, dueAt: iso(s.dueAt) })),
});
const presentEntry = (entry: TimelineEntry) => ({ ...entry, at: iso(entry.at), ...(entry.dueAt !== undefined ? { dueAt: iso(entry.dueAt) } : {}) });

/**
 * Applications as their journeys see them: the board (from Temporal visibility: stage and "waiting since"),
 * one application's status and timeline (workflow queries), and recruiter actions (a validated update, so a
 * rejected action answers with the journey's own reason).
 */
export function registerApplicationRoutes(scope: FastifyInstance, deps: ApplicationRoutesDeps): void {
  const { temporal, db } = deps;
  const scan = scanCache(temporal);

  scope.get('/applications', async (request) => {
    const tenant = tenantOf(request);
    const query = parseRequest(ListQuery, request.query, 'query string');
    const clauses = [`${SA_TENANT.name} = "${tenant.id}"`, 'ExecutionStatus = "Running"', 'WorkflowType = "candidateJourney"'];
    if (query.stage) clauses.push(`${SA_STAGE.name} = "${query.stage}"`);
    if (query.waitingSinceBefore) clauses.push(`${SA_WAITING_SINCE.name} < "${new Date(query.waitingSinceBefore).toISOString()}"`);
    const alerts = await db.query<{ application_id: string; open: number; reasons: string[] }>(
      `select application_id, count(*)::int as open, array_agg(distinct reason) as reasons from recruiter_alerts
       where tenant_id = $1 and acknowledged_at is null group by application_id`,
      [tenant.id],
    );
    const openAlerts = new Map(alerts.rows.map((r) => [r.application_id, r]));
    const scanned = await scan(clauses.join(' AND '), `journey/${tenant.id}/`);
    const items = scanned.items
      .map((item) => {
        const alert = openAlerts.get(item.applicationId);
        return { ...item, sla: alert ? ('breached' as const) : ('ok' as const), openAlerts: alert?.open ?? 0, alertReasons: alert?.reasons ?? [] };
      })
      .filter((item) => !query.sla || item.sla === query.sla);
    return { applications: items.slice(0, query.limit), total: items.length, truncated: scanned.truncated };
  });

  const notFound = (applicationId: string) => new ApiError(404, 'application_not_found', `There is no journey for application "${applicationId}"`);
  /** A journey whose worker does not answer in time (busy or down) is a retryable 503, not a server error. */
  const unanswered = (error: unknown, applicationId: string) =>
    error instanceof ServiceError && /DEADLINE_EXCEEDED/.test(String(error.cause ?? error.message))
      ? new ApiError(503, 'journey_unavailable', `The journey of application "${applicationId}" did not answer in time (its worker is busy or down); retry shortly`)
      : error;

  scope.get('/applications/:applicationId', async (request) => {
    const tenant = tenantOf(request);
    const { applicationId } = parseRequest(ApplicationParams, request.params, 'path');
    const handle = journeyHandle(temporal, tenant.id, applicationId);
    try {
      const [status, timeline] = await Promise.all([handle.query(journeyStatusQuery), handle.query(journeyTimelineQuery)]);
      return { applicationId, workflowId: journeyWorkflowId(tenant.id, applicationId), status: presentStatus(status), timeline: timeline.map(presentEntry) };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound(applicationId);
      throw unanswered(error, applicationId);
    }
  });

  const act = async (tenantId: string, applicationId: string, action: RecruiterActionRequest) => {
    const handle = journeyHandle(temporal, tenantId, applicationId);
    try {
      return presentStatus(await handle.executeUpdate(recruiterActionUpdate, { args: [action] }));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        throw new ApiError(409, 'action_rejected', error.cause?.message ?? error.message);
      }
      if (error instanceof WorkflowNotFoundError) {
        // An ended journey is also "not found" to an update; say which it is.
        const exists = await handle.describe().then(
          () => true,
          () => false,
        );
        if (exists) throw new ApiError(409, 'journey_closed', `The journey of application "${applicationId}" has ended; nothing more can be sent`);
        throw notFound(applicationId);
      }
      throw unanswered(error, applicationId);
    }
  };

  scope.post('/applications/:applicationId/pause', async (request) => {
    const tenant = tenantOf(request);
    const { applicationId } = parseRequest(ApplicationParams, request.params, 'path');
    return { applicationId, status: await act(tenant.id, applicationId, { action: 'pause' }) };
  });
  scope.post('/applications/:applicationId/resume', async (request) => {
    const tenant = tenantOf(request);
    const { applicationId } = parseRequest(ApplicationParams, request.params, 'path');
    return { applicationId, status: await act(tenant.id, applicationId, { action: 'resume' }) };
  });
  scope.post('/applications/:applicationId/send-now', async (request) => {
    const tenant = tenantOf(request);
    const { applicationId } = parseRequest(ApplicationParams, request.params, 'path');
    const { template } = parseRequest(SendNowBody, request.body, 'request body');
    return { applicationId, status: await act(tenant.id, applicationId, { action: 'sendNow', template }) };
  });
}

import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { StageCategory, TemplateKey, type TimelineEntry } from '../../../workflows/engine';
import { ID_PATTERN, journeyWorkflowId, type JourneyStatus, type RecruiterActionRequest } from '../../../workflows/shared';
import type { Database, Queryable } from '../../../core/store';
import { analyzeBoard, readBoardPage, readJourneyDetail } from '../../../core/store/board';
import { openPeople, readApplicationPeople, type ApplicationPeople } from '../../../core/store/people';
import { journeyExists, journeyStatus, journeyTimeline, recruiterAction } from '../../../core/temporal/journeys';
import { tenantOf } from './auth';
import { ApiError, parseRequest } from './errors';

/** What the application routes need. */
export interface ApplicationRoutesDeps {
  db: Queryable & { readonly kind?: Database['kind'] };
  temporal: Client;
}

/** Where the next page starts: after this row in the board's order (waiting since, then application id). */
interface BoardCursor {
  waitingSince: string;
  applicationId: string;
}
const encodeCursor = (cursor: BoardCursor) => Buffer.from(JSON.stringify([cursor.waitingSince, cursor.applicationId])).toString('base64url');
const Cursor = z.string().transform((value, ctx): BoardCursor => {
  try {
    const [waitingSince, applicationId] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (typeof waitingSince === 'string' && !Number.isNaN(Date.parse(waitingSince)) && typeof applicationId === 'string') return { waitingSince, applicationId };
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'expected the nextCursor of a previous page' });
  return z.NEVER;
});

const ApplicationParams = z.object({ applicationId: z.string().regex(ID_PATTERN, 'expected an ATS application id: letters, digits, ".", "_" or "-"') });
const ListQuery = z
  .object({
    stage: StageCategory.optional(),
    /** Only candidates who have been waiting since before this time. */
    waitingSinceBefore: z.iso.datetime({ offset: true }).optional(),
    /** `breached`: with an open recruiter alert (silence, waiting too long, every channel failed); `ok`: without. */
    sla: z.enum(['breached', 'ok']).optional(),
    /** Words each match has: the start of a word of the candidate's name or job title, or of the stage. */
    q: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    /** The previous page's `nextCursor`. */
    cursor: Cursor.optional(),
  })
  .strict();
type ListQuery = z.infer<typeof ListQuery>;

const isoOf = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** What the board and the detail show of an application's people (opened here, for the authenticated tenant only). */
const presentPeople = (people: ApplicationPeople | undefined) => ({
  candidateName: people?.candidateName ?? null,
  jobTitle: people?.jobTitle ?? null,
  atsUrl: people?.atsUrl ?? null,
  recruiterName: people?.recruiter?.name ?? null,
});

/**
 * One page of the board, longest waiting first, from the journey_board projection (each journey writes its
 * own row; see core/store/board.ts) with the open recruiter alerts of each application. The
 * SQL lives in core/store/board.ts.
 */
async function readBoard(db: Queryable, tenantId: string, query: ListQuery) {
  const { rows: found, total } = await readBoardPage(db, tenantId, query);
  const more = found.length > query.limit;
  const applications = found.slice(0, query.limit).map((row) => {
    const openAlerts = Number(row.open_alerts);
    return {
      applicationId: row.application_id,
      ...presentPeople(openPeople(tenantId, row.application_id, row.people_sealed)),
      stage: row.stage,
      status: row.status,
      paused: row.paused,
      waitingSince: isoOf(row.waiting_since)!,
      startedAt: isoOf(row.started_at),
      timeZone: row.time_zone,
      locale: row.locale,
      journeyId: row.journey_id,
      definitionVersion: row.definition_version,
      lastMessage: row.last_message_template ? { template: row.last_message_template, channel: row.last_message_channel, at: isoOf(row.last_message_at) } : null,
      nextMessage: row.next_message_template ? { template: row.next_message_template, dueAt: isoOf(row.next_message_at) } : null,
      sla: openAlerts > 0 ? ('breached' as const) : ('ok' as const),
      openAlerts,
      alertReasons: openAlerts > 0 ? (row.alert_reasons ?? []) : [],
    };
  });
  const last = applications[applications.length - 1];
  return {
    applications,
    total: Number(total),
    // The projection is complete: `total` counts every match (kept for clients of the visibility-scan board).
    truncated: false,
    nextCursor: more && last ? encodeCursor({ waitingSince: last.waitingSince, applicationId: last.applicationId }) : null,
  };
}

const SendNowBody = z.object({ template: TemplateKey }).strict();
const DetailQuery = z
  .object({
    /** `workflow`: ask the running journey itself (two workflow queries), for diagnosis; by default the store answers. */
    source: z.literal('workflow').optional(),
  })
  .strict();
/** How long one workflow query may take before the timeline answers 503 journey_unavailable. */
const QUERY_DEADLINE_MS = 10_000;

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
 * Applications as their journeys see them: the board (the journey_board projection each journey keeps current),
 * one application's status and timeline (from the same projection; workflow queries for journeys that have not
 * written one yet, or on request), and recruiter actions (a validated update, so a rejected action answers with
 * the journey's own reason).
 */
export function registerApplicationRoutes(scope: FastifyInstance, deps: ApplicationRoutesDeps): void {
  const { temporal, db } = deps;

  // Embedded PGlite runs no autovacuum, so nothing else gathers planner statistics. Without them the planner
  // guesses a tenant has a handful of rows and sorts all of its open journeys instead of reading the board
  // index in order (about 8x slower at 10,000). Refresh them now and then; PostgreSQL's autovacuum does this.
  const STATISTICS_EVERY_MS = 60_000;
  let statisticsAt = 0;
  const refreshStatistics = () => {
    if (db.kind !== 'pglite' || Date.now() - statisticsAt < STATISTICS_EVERY_MS) return;
    statisticsAt = Date.now();
    analyzeBoard(db).catch(() => {
      statisticsAt = 0;
    });
  };

  scope.get('/applications', async (request) => {
    const tenant = tenantOf(request);
    const query = parseRequest(ListQuery, request.query, 'query string');
    refreshStatistics();
    return readBoard(db, tenant.id, query);
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
    const { source } = parseRequest(DetailQuery, request.query, 'query string');
    const workflowId = journeyWorkflowId(tenant.id, applicationId);
    // The store first: the status and timeline the journey wrote with its board row (two primary-key reads, no
    // replay). A journey that has written none (started before, or erased) is asked itself, as is any with ?source=workflow.
    if (source !== 'workflow') {
      const stored = await readJourneyDetail(db, tenant.id, applicationId);
      if (stored) {
        const status = presentStatus({ tenant: tenant.id, applicationId, ...stored.status });
        const people = presentPeople((await readApplicationPeople(db, tenant.id, [applicationId])).get(applicationId));
        return { applicationId, workflowId, ...people, source: 'store', status, timeline: stored.timeline.map(presentEntry) };
      }
    }
    // One query after the other: a journey the worker no longer caches is replayed by the first and answers the
    // second from the cache. Two at once on such a journey both wait for the replay, and under load they tripped
    // the SDK core ("Extra buffered run should not have produced an activation") until the worker stopped polling.
    // Each query has a deadline, so a busy or stopped worker is a 503, not a request that never ends.
    const query = <T>(fn: () => Promise<T>) => temporal.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, fn);
    try {
      const status = await query(() => journeyStatus(temporal, tenant.id, applicationId));
      const timeline = await query(() => journeyTimeline(temporal, tenant.id, applicationId));
      const people = presentPeople((await readApplicationPeople(db, tenant.id, [applicationId])).get(applicationId));
      return { applicationId, workflowId, ...people, source: 'workflow', status: presentStatus(status), timeline: timeline.map(presentEntry) };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound(applicationId);
      throw unanswered(error, applicationId);
    }
  });

  const act = async (tenantId: string, applicationId: string, action: RecruiterActionRequest) => {
    try {
      return presentStatus(await recruiterAction(temporal, tenantId, applicationId, action));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        throw new ApiError(409, 'action_rejected', error.cause?.message ?? error.message);
      }
      if (error instanceof WorkflowNotFoundError) {
        // An ended journey is also "not found" to an update; say which it is.
        const exists = await journeyExists(temporal, tenantId, applicationId);
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

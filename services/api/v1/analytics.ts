import type { FastifyInstance, FastifyRequest } from 'fastify';
import { analyticsCsv, analyticsReport } from '../../../core/journeys/analytics';
import { analyticsCharts } from '../../../core/journeys/analytics-charts';
import type { VersionedDefinition } from '../../../core/journeys/default-journeys';
import type { Queryable } from '../../../core/store';
import type { AnalyticsScope } from '../../../core/store/analytics';
import { tenantOf } from './auth';
import { ApiError } from './errors';

/** The default range: the last 30 days. */
const DEFAULT_DAYS = 30;
const MAX_RANGE_MS = 400 * 86_400_000;
const TEXT_PARAM = /^[A-Za-z0-9._@:-]{1,128}$/;

interface AnalyticsQuery {
  from?: string;
  to?: string;
  journey?: string;
  version?: string;
  job?: string;
  charts?: string;
}

/** The scope of a request: its tenant, the range (ISO dates or instants, `to` exclusive) and the optional filters. */
function scopeOf(request: FastifyRequest<{ Querystring: AnalyticsQuery }>): AnalyticsScope {
  const q = request.query;
  const instant = (name: 'from' | 'to', text: string | undefined, fallback: number) => {
    if (text === undefined || text === '') return fallback;
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) throw new ApiError(400, 'invalid_query', `${name} must be an ISO date or date-time`, [{ path: name, message: 'not a date' }]);
    return ms;
  };
  const to = instant('to', q.to, Date.now());
  const from = instant('from', q.from, to - DEFAULT_DAYS * 86_400_000);
  if (from >= to || to - from > MAX_RANGE_MS) throw new ApiError(400, 'invalid_query', 'from must be before to, at most 400 days apart');
  for (const name of ['journey', 'version', 'job'] as const) {
    const value = q[name];
    if (value !== undefined && !TEXT_PARAM.test(value)) throw new ApiError(400, 'invalid_query', `${name} must be 1-128 letters, digits, ".", "_", "@", ":" or "-"`, [{ path: name, message: 'invalid' }]);
  }
  return {
    tenantId: tenantOf(request).id,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    journeyId: q.journey || undefined,
    version: q.version || undefined,
    jobId: q.job || undefined,
  };
}

/**
 * GET /analytics: the promise in figures for the key's tenant, computed from what journeys stored (never by asking
 * workflows); `charts=svg` adds the console's charts, rendered here as SVG. GET /analytics.csv: the same figures as CSV.
 */
export function registerAnalyticsRoutes(scope: FastifyInstance, deps: { db: Queryable; shipped: Map<string, VersionedDefinition> }): void {
  scope.get<{ Querystring: AnalyticsQuery }>('/analytics', async (request) => {
    const report = await analyticsReport(deps.db, scopeOf(request), deps.shipped);
    return request.query.charts === 'svg' ? { ...report, charts: analyticsCharts(report) } : report;
  });
  scope.get<{ Querystring: AnalyticsQuery }>('/analytics.csv', async (request, reply) => {
    const range = scopeOf(request);
    const report = await analyticsReport(deps.db, range, deps.shipped);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="candor-analytics-${range.from.slice(0, 10)}-${range.to.slice(0, 10)}.csv"`)
      .send(analyticsCsv(report));
  });
}

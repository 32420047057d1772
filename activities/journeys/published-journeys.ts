import { Context } from '@temporalio/activity';
import type { Queryable } from '../../core/store';
import { getVersion, latestVersionLabel, publishedJourneyFor } from '../../core/store/journeys';
import { defaultJourneyFor, type VersionedDefinition } from '../../core/journeys/default-journeys';
import { resolveHolidays } from '../../core/journeys/holidays';

/** The Temporal server's clock inside an activity (also the time-skipping test server's), else this process's. */
export function serverNow(): number {
  try {
    return Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    return Date.now();
  }
}

/**
 * The journey a new application follows: the tenant's journey assigned to its job, else the tenant's
 * default assignment, else the tenant's own published version of the shipped default for the
 * candidate's locale, else that shipped default (journeys/*.yaml). A named holiday calendar is resolved
 * into the returned snapshot for the years from `now` (this year and two more), so the journey's engine
 * has every holiday date it can meet.
 */
export async function resolvePublishedJourney(
  db: Queryable,
  shipped: Map<string, VersionedDefinition>,
  params: { tenant: string; jobId?: string; locale?: string },
  now = serverNow(),
): Promise<VersionedDefinition> {
  const fallback = defaultJourneyFor(shipped, params.locale);
  const published = await publishedJourneyFor(db, params.tenant, params.jobId, fallback.definition.id);
  const chosen = published ? { definition: published.definition, version: published.label } : fallback;
  return { ...chosen, definition: resolveHolidays(chosen.definition, now) };
}

/**
 * The newest published version of `journeyId` when it is none of `knownVersions` (what the journey runs or
 * already waits to apply): reads the newest label first (one index read) and the definition only when it is new
 * to the journey, with a named holiday calendar resolved as for a new journey.
 */
export async function newerPublishedJourney(
  db: Queryable,
  params: { tenant: string; journeyId: string; knownVersions: string[] },
  now = serverNow(),
): Promise<VersionedDefinition | undefined> {
  const label = await latestVersionLabel(db, params.tenant, params.journeyId);
  if (label === undefined || params.knownVersions.includes(label)) return undefined;
  const latest = await getVersion(db, params.tenant, params.journeyId);
  if (!latest || params.knownVersions.includes(latest.label)) return undefined;
  return { definition: resolveHolidays(latest.definition, now), version: latest.label };
}

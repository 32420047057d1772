import { Context } from '@temporalio/activity';
import type { Queryable } from '../../core/store';
import type { VersionedDefinition } from '../../core/journeys/default-journeys';
import { newerPublishedJourney as newer, resolvePublishedJourney as resolve } from '../../core/journeys/published';

/** The Temporal server's clock inside an activity (also the time-skipping test server's), else this process's. */
export function serverNow(): number {
  try {
    return Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    return Date.now();
  }
}

/** core/journeys/published.ts's resolvePublishedJourney, by the Temporal server's clock inside an activity. */
export async function resolvePublishedJourney(
  db: Queryable,
  shipped: Map<string, VersionedDefinition>,
  params: { tenant: string; jobId?: string; locale?: string },
  now = serverNow(),
): Promise<VersionedDefinition> {
  return resolve(db, shipped, params, now);
}

/** core/journeys/published.ts's newerPublishedJourney, by the Temporal server's clock inside an activity. */
export async function newerPublishedJourney(
  db: Queryable,
  params: { tenant: string; journeyId: string; knownVersions: string[] },
  now = serverNow(),
): Promise<VersionedDefinition | undefined> {
  return newer(db, params, now);
}

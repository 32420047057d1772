import type { Queryable } from '../../services/store';
import { publishedJourneyFor } from '../../services/journeys/store';
import { defaultJourneyFor, type VersionedDefinition } from './default-journeys';

/**
 * The journey a new application follows: the tenant's journey assigned to its job, else the tenant's
 * default assignment, else the tenant's own published version of the shipped default for the
 * candidate's locale, else that shipped default (journeys/*.yaml).
 */
export async function resolvePublishedJourney(
  db: Queryable,
  shipped: Map<string, VersionedDefinition>,
  params: { tenant: string; jobId?: string; locale?: string },
): Promise<VersionedDefinition> {
  const fallback = defaultJourneyFor(shipped, params.locale);
  const published = await publishedJourneyFor(db, params.tenant, params.jobId, fallback.definition.id);
  return published ? { definition: published.definition, version: published.label } : fallback;
}

import type { Queryable } from '../store';
import { JOURNEY_FEATURES, type InitialJourney } from '../../workflows/shared';
import { getVersion, latestVersionLabel, publishedJourneyFor } from '../store/journeys';
import { defaultJourneyFor, type VersionedDefinition } from './default-journeys';
import { resolveHolidays } from './holidays';

/**
 * The journey a new application follows: the tenant's journey assigned to its job, else the tenant's
 * default assignment, else the tenant's own published version of the shipped default for the
 * candidate's locale, else that shipped default (journeys/*.yaml). A named holiday calendar is resolved
 * into the returned snapshot for the years from `now` (this year and two more), so the journey's engine
 * has every holiday date it can meet. Ingest resolves it for a new application's journey (its start input);
 * the journey's local activity resolves it for any other first event.
 */
export async function resolvePublishedJourney(
  db: Queryable,
  shipped: Map<string, VersionedDefinition>,
  params: { tenant: string; jobId?: string; locale?: string },
  now: number,
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
  now: number,
): Promise<VersionedDefinition | undefined> {
  const label = await latestVersionLabel(db, params.tenant, params.journeyId);
  if (label === undefined || params.knownVersions.includes(label)) return undefined;
  const latest = await getVersion(db, params.tenant, params.journeyId);
  if (!latest || params.knownVersions.includes(latest.label)) return undefined;
  return { definition: resolveHolidays(latest.definition, now), version: latest.label };
}

/**
 * A new application's journey as ingest resolves it when it starts the journey (JourneyInput.initial): what
 * resolvePublishedJourney chooses for the event's job and locale, with the features of this code, so the journey
 * needs no local activity to resolve it. The journey takes it only when its first event names the same job and locale.
 */
export async function initialJourney(
  db: Queryable,
  shipped: Map<string, VersionedDefinition>,
  params: { tenant: string; jobId?: string; locale?: string },
  now: number,
): Promise<InitialJourney> {
  const { definition, version } = await resolvePublishedJourney(db, shipped, params, now);
  const { jobId, locale } = params;
  return { definition, version, features: [...JOURNEY_FEATURES], for: { ...(jobId ? { jobId } : {}), ...(locale ? { locale } : {}) } };
}

/** The job and the locale an ATS event's data names, which choose a new application's journey. */
export function journeyChoice(data: unknown): { jobId?: string; locale?: string } {
  const d = (data ?? {}) as { application?: { jobId?: unknown }; candidate?: { locale?: unknown } };
  const jobId = typeof d.application?.jobId === 'string' && d.application.jobId ? d.application.jobId : undefined;
  const locale = typeof d.candidate?.locale === 'string' && d.candidate.locale ? d.candidate.locale : undefined;
  return { ...(jobId ? { jobId } : {}), ...(locale ? { locale } : {}) };
}

import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { resolveHolidays } from './holidays';
import { markJourneyGone, openJourneysOf } from '../store/board';
import { signalDefinitionPublished } from '../temporal/journeys';
import type { Queryable } from '../store';
import type { JourneyVersion } from '../store/journeys';

/** How many running journeys a publish reached. */
export interface PublishReach {
  /** Journeys on this journey (any other version) that were signalled to upgrade at their next stage. */
  signalled: number;
  /** Running journeys of the tenant that follow another journey, or already run this version. */
  skipped: number;
  /** Journeys that could not be signalled (they keep their version). */
  failed: number;
}

const CONCURRENCY = 16;

/**
 * Tells the tenant's running journeys that follow this journey about its new version: each applies it at
 * its next stage change (definitionPublishedSignal). Which journeys those are comes from the board
 * projection (journey_board: each open journey's journey id and version, written by the journey itself),
 * so a publish reads a few index entries instead of scanning every running workflow of the tenant. A
 * journey found ended when signalled (its last board write never landed) is marked completed on the board.
 */
export async function notifyRunningJourneys(client: Client, db: Queryable, tenantId: string, published: JourneyVersion): Promise<PublishReach> {
  const { rows, open } = await openJourneysOf(db, tenantId, published.journeyId);
  const targets = rows.filter((r) => r.definition_version !== published.label);
  // A named holiday calendar goes out resolved for the years from now: the engine reads dates only.
  const definition = resolveHolidays(published.definition, Date.now());
  const reach: PublishReach = { signalled: 0, skipped: open - targets.length, failed: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, targets.length) }, async () => {
      while (next < targets.length) {
        const applicationId = targets[next++]!.application_id;
        try {
          await signalDefinitionPublished(client, tenantId, applicationId, { definition, version: published.label });
          reach.signalled++;
        } catch (error) {
          reach.failed++;
          if (error instanceof WorkflowNotFoundError) await markJourneyGone(db, tenantId, applicationId).catch(() => undefined);
        }
      }
    }),
  );
  return reach;
}

import { countOpenJourneysOf } from '../store/board';
import type { Queryable } from '../store';
import type { JourneyVersion } from '../store/journeys';

/** What a publish means for the journeys already running, as the publish response tells the recruiter. */
export interface PublishReach {
  /** Open journeys of the tenant that follow this journey (the board, journey_board); each moves to the new version at its next stage change. */
  following: number;
  /** When they move: a running journey resolves its journey again when its stage changes, and takes a newer version then. */
  upgradesAt: 'next-stage-change';
}

/**
 * What publishing a version means for running journeys, without touching any of them: publishing only stores
 * the version. A running journey learns of it itself when its stage next changes (it resolves its journey
 * again then, workflows/candidate-journey.ts), so a publish costs one indexed count however many journeys
 * run, and adds no workflow task that could delay another candidate's acknowledgement.
 */
export async function publishReach(db: Queryable, tenantId: string, published: JourneyVersion): Promise<PublishReach> {
  return { following: await countOpenJourneysOf(db, tenantId, published.journeyId), upgradesAt: 'next-stage-change' };
}

import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from './contracts';

/** Which application's journey to erase; ids only, so this workflow's own history holds no personal data. */
export interface JourneyErasureInput {
  tenant: string;
  applicationId: string;
}

/** What an erasure did, for the operator reading its result. */
export interface JourneyErasureResult {
  journey: 'ended' | 'terminated' | 'not-found';
  runsDeleted: number;
}

/** How long an erased journey may take to end on its own (an in-flight send waking up) before it is terminated. */
export const ERASURE_GRACE = '1 day';

// Waiting is an activity retried with backoff (1 s doubling to 10 min) until the journey has closed; no history
// grows while it waits. It gives up after ERASURE_GRACE: the journey already forgot the contact and sends nothing.
const waiting = proxyActivities<Pick<Activities, 'awaitJourneyClosed'>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: ERASURE_GRACE,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10m' },
});
// Deleting is retried until it is done: every run gone from Temporal, the store wiped and compacted.
const erasing = proxyActivities<Pick<Activities, 'eraseJourneyStoreData' | 'deleteJourneyHistories'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10m' },
});

/**
 * Erasure after the journey: once the erased journey has ended (it wipes its contact and completes on the
 * `ats.candidate.erased` event), wipes what it may have written to the store since, then deletes every run
 * of its history from Temporal (a history holds the candidate's name, e-mail and phone until then).
 */
export async function journeyErasure(input: JourneyErasureInput): Promise<JourneyErasureResult> {
  let journey: JourneyErasureResult['journey'];
  try {
    journey = (await waiting.awaitJourneyClosed(input)) ? 'ended' : 'not-found';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    // Still running after the grace period: deleting the run terminates it first.
    journey = 'terminated';
  }
  await erasing.eraseJourneyStoreData(input);
  const runsDeleted = await erasing.deleteJourneyHistories(input);
  return { journey, runsDeleted };
}

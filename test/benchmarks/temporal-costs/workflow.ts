// Journey shapes for the Temporal cost benchmark (temporal-costs.ts): each waits for its first event (the signal of
// signalWithStart), then does what its input's `shape` names in its first workflow task, and sleeps on a timer.
import { condition, defineSignal, proxyLocalActivities, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';

export const firstEvent = defineSignal<[unknown]>('ats-event');
const { acknowledge } = proxyLocalActivities<{ acknowledge(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export interface ShapeInput {
  /** What the first workflow task does besides setting the timer: a local activity, a search-attribute upsert. */
  localActivity: boolean;
  upsert: boolean;
  /** Carried, unused: a journey definition, as Candor's journeys carry theirs. */
  definition?: unknown;
}

export async function journeyShape(input: ShapeInput): Promise<void> {
  let events = 0;
  setHandler(firstEvent, () => void events++);
  await condition(() => events > 0);
  if (input.localActivity) await acknowledge();
  if (input.upsert) upsertSearchAttributes({ CandorStage: ['applied'], CandorWaitingSince: [new Date()] });
  await sleep('30 days');
}

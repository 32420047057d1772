// The smallest journey Temporal can run (the benchmark's "bare journey"): it waits for its first ATS event (a signal,
// or its input when started eagerly), acknowledges it through one local activity within that first workflow task, and
// sleeps on a timer, as a Candor journey does, with none of Candor's own work (engine, templates, ledger, store, Kafka).
import { condition, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import { atsEventSignal } from '../../../workflows/shared';

const { acknowledge } = proxyLocalActivities<{ acknowledge(applicationId: string): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function candidateJourney(input: { applicationId: string; first?: unknown }): Promise<void> {
  let events = input.first ? 1 : 0;
  setHandler(atsEventSignal, () => void events++);
  await condition(() => events > 0);
  await acknowledge(input.applicationId);
  await sleep('30 days');
}

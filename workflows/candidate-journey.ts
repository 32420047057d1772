import { condition, setHandler } from '@temporalio/workflow';
import { atsEventSignal, journeyStatusQuery, type JourneyEvent, type JourneyInput, type JourneyStatus } from './shared';

const TERMINAL_TYPES = new Set(['ats.application.rejected', 'ats.application.withdrawn', 'ats.application.hired', 'ats.candidate.erased']);

/**
 * One application's journey. This is the foundation's version: it applies ATS events once each
 * (by CloudEvents id) and ends on a terminal outcome. The journey engine decides messages on top of it.
 */
export async function candidateJourney(input: JourneyInput): Promise<JourneyStatus> {
  const seen = new Set<string>();
  const pending: JourneyEvent[] = [];
  const status: JourneyStatus = {
    tenant: input.tenant,
    applicationId: input.applicationId,
    eventsApplied: 0,
    lastEventType: undefined,
    completed: false,
  };

  setHandler(atsEventSignal, (event) => {
    pending.push(event);
  });
  setHandler(journeyStatusQuery, () => status);

  while (!status.completed) {
    await condition(() => pending.length > 0);
    const event = pending.shift()!;
    // Kafka redelivers after a crash; the CloudEvents id makes a redelivered event harmless.
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    status.eventsApplied += 1;
    status.lastEventType = event.type;
    if (TERMINAL_TYPES.has(event.type)) status.completed = true;
  }
  return status;
}

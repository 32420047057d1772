import type { Client, WorkflowHandle } from '@temporalio/client';
import type { candidateJourney } from '../../workflows';
import { atsEventSignal, journeyWorkflowId, type JourneyEvent, type JourneyInput } from '../../workflows/shared';

/** A handle on one application's journey workflow. */
export type JourneyHandle = WorkflowHandle<typeof candidateJourney>;

/**
 * Delivers an ATS event to its application's journey, starting the journey when it does not exist
 * yet (signalWithStart). Resolves once Temporal has durably accepted the signal.
 */
export async function signalJourney(
  client: Client,
  taskQueue: string,
  target: { tenant: string; applicationId: string },
  event: JourneyEvent,
  options: Pick<JourneyInput, 'searchAttributes' | 'historyLimit'> = {},
): Promise<JourneyHandle> {
  return client.workflow.signalWithStart<typeof candidateJourney, [JourneyEvent]>('candidateJourney', {
    workflowId: journeyWorkflowId(target.tenant, target.applicationId),
    taskQueue,
    args: [{ tenant: target.tenant, applicationId: target.applicationId, ...options }],
    signal: atsEventSignal,
    signalArgs: [event],
  });
}

/** The handle of an existing journey. */
export function journeyHandle(client: Client, tenant: string, applicationId: string): JourneyHandle {
  return client.workflow.getHandle<typeof candidateJourney>(journeyWorkflowId(tenant, applicationId));
}

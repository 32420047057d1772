import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { candidateJourney } from '../../workflows';
import { atsEventSignal, journeyWorkflowId, type JourneyEvent, type JourneyInput } from '../../workflows/shared';
import { requestJourneyErasure } from './erasure';

/** A handle on one application's journey workflow. */
export type JourneyHandle = WorkflowHandle<typeof candidateJourney>;

/** The application's journey has already ended (hired, rejected, withdrawn, erased): a late event is not applied. */
export class JourneyClosedError extends Error {
  override name = 'JourneyClosedError';
  constructor(readonly workflowId: string) {
    super(`The journey ${workflowId} has already ended; the event was not applied`);
  }
}

/**
 * Delivers an ATS event to its application's journey, starting the journey when it does not exist
 * yet (signalWithStart). Resolves once Temporal has durably accepted the signal. A journey that has
 * ended is not started again by a late event (JourneyClosedError): the candidate already got their
 * closing message, and a second journey would send them another acknowledgement.
 */
export async function signalJourney(
  client: Client,
  taskQueue: string,
  target: { tenant: string; applicationId: string },
  event: JourneyEvent,
  options: Pick<JourneyInput, 'searchAttributes' | 'historyLimit'> = {},
): Promise<JourneyHandle> {
  // Erasure never starts a journey: it ends a running one, and every run's history is deleted once it has ended.
  if (event.type === 'ats.candidate.erased') {
    await requestJourneyErasure(client, taskQueue, target, event);
    return journeyHandle(client, target.tenant, target.applicationId);
  }
  const workflowId = journeyWorkflowId(target.tenant, target.applicationId);
  try {
    return await client.workflow.signalWithStart<typeof candidateJourney, [JourneyEvent]>('candidateJourney', {
      workflowId,
      taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [{ tenant: target.tenant, applicationId: target.applicationId, ...options }],
      signal: atsEventSignal,
      signalArgs: [event],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new JourneyClosedError(workflowId);
    throw error;
  }
}

/** The handle of an existing journey. */
export function journeyHandle(client: Client, tenant: string, applicationId: string): JourneyHandle {
  return client.workflow.getHandle<typeof candidateJourney>(journeyWorkflowId(tenant, applicationId));
}

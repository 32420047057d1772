import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { journeyErasure } from '../../workflows';
import { atsEventSignal, erasureWorkflowId, journeyWorkflowId, type JourneyEvent } from '../../workflows/shared';

/** What erasing an application did to its journey: it was running and got the event, or there was none running. */
export type JourneyErasureRequest = 'ended' | 'not-running';

/**
 * Erases an application's journey: the `ats.candidate.erased` event goes to the journey if it runs (a plain
 * signal: erasing never starts a journey), and the erasure workflow (workflows/journey-erasure.ts) is started
 * to delete every run of its history once it has ended. It runs on the journey's task queue (or `taskQueue`
 * when there is no journey), is idempotent per application, and is retried by Temporal until done.
 */
export async function requestJourneyErasure(
  client: Client,
  taskQueue: string,
  target: { tenant: string; applicationId: string },
  event: JourneyEvent,
): Promise<JourneyErasureRequest> {
  const handle = client.workflow.getHandle(journeyWorkflowId(target.tenant, target.applicationId));
  let journey: JourneyErasureRequest = 'ended';
  let queue = taskQueue;
  try {
    await handle.signal(atsEventSignal, event);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    journey = 'not-running';
  }
  try {
    queue = (await handle.describe()).taskQueue;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  try {
    await client.workflow.start<typeof journeyErasure>('journeyErasure', {
      workflowId: erasureWorkflowId(target.tenant, target.applicationId),
      taskQueue: queue,
      args: [{ tenant: target.tenant, applicationId: target.applicationId }],
    });
  } catch (error) {
    // Already under way for this application: that run deletes the histories.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return journey;
}

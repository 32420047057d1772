import { AsyncLocalStorage } from 'node:async_hooks';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { candidateJourney } from '../../workflows';
import { atsEventSignal, candidateQuestionSignal, candidateReplySignal, deliveryResultSignal, journeyWorkflowId, questionAnsweredSignal, SA_STAGE, SA_TENANT, type CandidateQuestion } from '../../workflows/shared';
import { journeyStatusQuery, journeyTimelineQuery, recruiterActionUpdate } from '../../workflows/shared';
import type { CandidateReply, DeliveryResult, JourneyEvent, JourneyInput, JourneyStatus, RecruiterActionRequest } from '../../workflows/shared';
import type { TimelineEntry } from '../../workflows/engine';
import { requestJourneyErasure } from './erasure';

/*
 * The one journey client: everything that talks to running journeys (start with an event, signal, query,
 * update, list and delete runs) goes through the functions of this module.
 */

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
  options: Pick<JourneyInput, 'searchAttributes' | 'historyLimit' | 'initial'> = {},
): Promise<JourneyHandle> {
  return (await startOrSignalJourney(client, taskQueue, target, event, options)).handle;
}

/**
 * As signalJourney, and says whether this call started the journey (`started`: Temporal created it with this event
 * as its first signal) or signalled one that was already running (also false from a server too old to say, so nothing is taken for new);
 * undefined for an erasure.
 */
export async function startOrSignalJourney(
  client: Client,
  taskQueue: string,
  target: { tenant: string; applicationId: string },
  event: JourneyEvent,
  options: Pick<JourneyInput, 'searchAttributes' | 'historyLimit' | 'initial'> = {},
): Promise<{ handle: JourneyHandle; started: boolean | undefined }> {
  // Erasure never starts a journey: it ends a running one, and every run's history is deleted once it has ended.
  if (event.type === 'ats.candidate.erased') {
    await requestJourneyErasure(client, taskQueue, target, event);
    return { handle: journeyHandle(client, target.tenant, target.applicationId), started: undefined };
  }
  const workflowId = journeyWorkflowId(target.tenant, target.applicationId);
  reportStarts(client);
  const outcome: StartOutcome = {};
  try {
    const handle = await startOutcomes.run(outcome, () =>
      client.workflow.signalWithStart<typeof candidateJourney, [JourneyEvent]>('candidateJourney', {
        workflowId,
        taskQueue,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        // The tenant and the first stage are searchable from the start; the journey upserts them as they change.
        ...(options.searchAttributes !== false ? { typedSearchAttributes: [{ key: SA_TENANT, value: target.tenant }, { key: SA_STAGE, value: 'applied' }] } : {}),
        args: [{ tenant: target.tenant, applicationId: target.applicationId, ...options }],
        signal: atsEventSignal,
        signalArgs: [event],
      }),
    );
    return { handle, started: outcome.started };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new JourneyClosedError(workflowId);
    throw error;
  }
}

/** What Temporal answered a signalWithStart made inside startOutcomes.run: whether it started the workflow. */
interface StartOutcome {
  started?: boolean;
}
const startOutcomes = new AsyncLocalStorage<StartOutcome>();
const reporting = new WeakSet<object>();

/**
 * The SDK's client returns only the run id of a signalWithStart, while Temporal's answer also says whether it started
 * the workflow: the client's gRPC service is wrapped (once per service) to hand that to the call that asked.
 */
function reportStarts(client: Client): void {
  const service = client.workflowService;
  if (reporting.has(service)) return;
  reporting.add(service);
  const call = service.signalWithStartWorkflowExecution.bind(service);
  service.signalWithStartWorkflowExecution = (async (request: Parameters<typeof call>[0]) => {
    const response = await call(request);
    const outcome = startOutcomes.getStore();
    if (outcome && typeof response.started === 'boolean') outcome.started = response.started;
    return response;
  }) as typeof service.signalWithStartWorkflowExecution;
}

/** The handle of an existing journey. */
export function journeyHandle(client: Client, tenant: string, applicationId: string): JourneyHandle {
  return client.workflow.getHandle<typeof candidateJourney>(journeyWorkflowId(tenant, applicationId));
}

/** The journey's status (query). */
export async function journeyStatus(client: Client, tenant: string, applicationId: string): Promise<JourneyStatus> {
  return journeyHandle(client, tenant, applicationId).query(journeyStatusQuery);
}

/** The journey's timeline (query). */
export async function journeyTimeline(client: Client, tenant: string, applicationId: string): Promise<TimelineEntry[]> {
  return journeyHandle(client, tenant, applicationId).query(journeyTimelineQuery);
}

/** A recruiter's action (pause, resume, send now …) as an update; resolves with the journey's status after it. */
export async function recruiterAction(client: Client, tenant: string, applicationId: string, action: RecruiterActionRequest): Promise<JourneyStatus> {
  return journeyHandle(client, tenant, applicationId).executeUpdate(recruiterActionUpdate, { args: [action] });
}

/** Tells the journey how a message's delivery ended (provider callback). */
export async function signalDeliveryResult(client: Client, tenant: string, applicationId: string, result: DeliveryResult): Promise<void> {
  await journeyHandle(client, tenant, applicationId).signal(deliveryResultSignal, result);
}

/** Tells the journey the candidate replied (SMS, unsubscribe link, e-mail opt-out). */
export async function signalCandidateReply(client: Client, tenant: string, applicationId: string, reply: CandidateReply): Promise<void> {
  await journeyHandle(client, tenant, applicationId).signal(candidateReplySignal, reply);
}

/** Tells the journey the candidate asked a person something (ids and times only; the text is in the store). */
export async function signalCandidateQuestion(client: Client, tenant: string, applicationId: string, question: CandidateQuestion): Promise<void> {
  await journeyHandle(client, tenant, applicationId).signal(candidateQuestionSignal, question);
}

/** Tells the journey a recruiter answered a question (the answer is in the store): it sends it to the candidate. */
export async function signalQuestionAnswered(client: Client, tenant: string, applicationId: string, questionId: string): Promise<void> {
  await journeyHandle(client, tenant, applicationId).signal(questionAnsweredSignal, { questionId });
}

/** Whether the journey still runs: true running, false closed, undefined when there is none. */
export async function journeyRunning(client: Client, tenant: string, applicationId: string): Promise<boolean | undefined> {
  try {
    return (await journeyHandle(client, tenant, applicationId).describe()).status.name === 'RUNNING';
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Whether a journey (any status) exists. */
export async function journeyExists(client: Client, tenant: string, applicationId: string): Promise<boolean> {
  return journeyHandle(client, tenant, applicationId)
    .describe()
    .then(
      () => true,
      () => false,
    );
}

/** Deletes one run of a workflow's history; a run already gone counts as deleted. */
export async function deleteRun(client: Client, namespace: string, workflowId: string, runId: string): Promise<void> {
  try {
    await client.workflowService.deleteWorkflowExecution({ namespace, workflowExecution: { workflowId, runId } });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Whether one run of a workflow can still be described (not deleted yet). */
export async function runExists(client: Client, workflowId: string, runId: string): Promise<boolean> {
  return client.workflow
    .getHandle(workflowId, runId)
    .describe()
    .then(
      () => true,
      (error: unknown) => {
        if (isNotFound(error)) return false;
        throw error;
      },
    );
}

const NOT_FOUND = 5; // gRPC status code

/** Whether a Temporal error says the workflow (or run) does not exist. */
export const isNotFound = (error: unknown) => error instanceof WorkflowNotFoundError || (error as { code?: unknown } | undefined)?.code === NOT_FOUND;

/**
 * Every run of a journey, oldest first: the runs visibility lists under its workflow id, and the chain of
 * continue-as-new runs walked back from the latest (each run's first event names the one it continued), so a
 * run visibility has not indexed yet is found too. Deleting oldest first keeps the chain walkable after a crash.
 */
export async function journeyRuns(client: Client, namespace: string, workflowId: string): Promise<string[]> {
  const chain: string[] = [];
  let runId: string | undefined;
  try {
    runId = (await client.workflow.getHandle(workflowId).describe()).runId;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  while (runId && !chain.includes(runId)) {
    chain.push(runId);
    let previous: string | undefined;
    try {
      const page = await client.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId, runId }, maximumPageSize: 1 });
      previous = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    runId = previous || undefined;
  }
  const listed: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId.replace(/["\\]/g, '\\$&')}"` })) {
    if (!chain.includes(execution.runId)) listed.push(execution.runId);
  }
  return [...listed, ...chain.reverse()];
}


import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../core/store';
import { compactAfterErasure, eraseCandidateData, markHistoriesDeleted } from '../core/store/erasure';
import { journeyWorkflowId } from '../workflows/shared';

/** What the erasure activities need: the store; Temporal is the worker's own client (activity context). */
export interface ErasureDeps {
  db: Database;
}

interface Target {
  tenant: string;
  applicationId: string;
}

const NOT_FOUND = 5; // gRPC status code

const isNotFound = (error: unknown) => error instanceof WorkflowNotFoundError || (error as { code?: unknown } | undefined)?.code === NOT_FOUND;

/**
 * Every run of a journey, oldest first: the runs visibility lists under its workflow id, and the chain of
 * continue-as-new runs walked back from the latest (each run's first event names the one it continued), so a
 * run visibility has not indexed yet is found too. Deleting oldest first keeps the chain walkable after a crash.
 */
async function journeyRuns(client: Client, namespace: string, workflowId: string): Promise<string[]> {
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

/** Erasure activities: wait for an erased journey to end, wipe the store after it, delete its histories. */
export function createErasureActivities(deps: ErasureDeps) {
  return {
    /** True once the journey has closed (false: it never existed or is already deleted); retryable while it runs. */
    async awaitJourneyClosed(target: Target): Promise<boolean> {
      try {
        const description = await Context.current().client.workflow.getHandle(journeyWorkflowId(target.tenant, target.applicationId)).describe();
        if (description.status.name === 'RUNNING') throw ApplicationFailure.retryable('the erased journey has not ended yet', 'JourneyRunning');
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },

    /** Wipes the application's personal data from the store (again: the journey may have written since) and compacts it. */
    async eraseJourneyStoreData(target: Target): Promise<void> {
      await eraseCandidateData(deps.db, { tenant: target.tenant, applicationIds: [target.applicationId] });
      await compactAfterErasure(deps.db);
    },

    /**
     * Deletes every run of the journey's history from Temporal (a running one is terminated first) and checks
     * that none is left; retryable until Temporal has deleted them all. Returns how many runs it deleted.
     */
    async deleteJourneyHistories(target: Target): Promise<number> {
      const context = Context.current();
      const { client, info } = context;
      const namespace = info.namespace;
      const workflowId = journeyWorkflowId(target.tenant, target.applicationId);
      // Runs deleted by earlier attempts (carried in heartbeat details), so the count survives a retry.
      const deleted = new Set(Array.isArray(info.heartbeatDetails) ? (info.heartbeatDetails as string[]) : []);
      const deleteRuns = async (runs: string[]) => {
        for (const runId of runs) {
          try {
            await client.workflowService.deleteWorkflowExecution({ namespace, workflowExecution: { workflowId, runId } });
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
          deleted.add(runId);
          context.heartbeat([...deleted]);
        }
      };
      const describable = async (runId: string) =>
        client.workflow
          .getHandle(workflowId, runId)
          .describe()
          .then(
            () => true,
            (error: unknown) => {
              if (isNotFound(error)) return false;
              throw error;
            },
          );
      // Temporal deletes asynchronously, and a run that closed moments ago can be listed again when its close is
      // indexed after the deletion: done only when no run can be described or listed, deleting again whatever
      // still is. Polled for up to 30 s, then the activity is retried with backoff.
      const until = Date.now() + 30_000;
      for (;;) {
        const listed = await journeyRuns(client, namespace, workflowId);
        await deleteRuns(listed);
        let left = listed.length > 0;
        for (const runId of deleted) if (!left && (await describable(runId))) left = true;
        if (!left) break;
        if (Date.now() > until) throw ApplicationFailure.retryable('Temporal has not finished deleting the journey history', 'HistoriesRemaining');
        await context.sleep(250);
      }
      await markHistoriesDeleted(deps.db, target.tenant, target.applicationId);
      return deleted.size;
    },
  };
}

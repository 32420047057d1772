import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../core/store';
import { compactAfterErasure, eraseCandidateData, markHistoriesDeleted } from '../core/store/erasure';
import { journeyWorkflowId } from '../workflows/shared';
import { deleteRun, journeyRunning, journeyRuns, runExists } from '../core/temporal/journeys';

/** What the erasure activities need: the store; Temporal is the worker's own client (activity context). */
export interface ErasureDeps {
  db: Database;
}

interface Target {
  tenant: string;
  applicationId: string;
}

/** Erasure activities: wait for an erased journey to end, wipe the store after it, delete its histories. */
export function createErasureActivities(deps: ErasureDeps) {
  return {
    /** True once the journey has closed (false: it never existed or is already deleted); retryable while it runs. */
    async awaitJourneyClosed(target: Target): Promise<boolean> {
      const running = await journeyRunning(Context.current().client, target.tenant, target.applicationId);
      if (running === undefined) return false;
      if (running) throw ApplicationFailure.retryable('the erased journey has not ended yet', 'JourneyRunning');
      return true;
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
          await deleteRun(client, namespace, workflowId, runId);
          deleted.add(runId);
          context.heartbeat([...deleted]);
        }
      };
      const describable = async (runId: string) => runExists(client, workflowId, runId);
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

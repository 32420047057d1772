import type { Client } from '@temporalio/client';
import { definitionPublishedSignal, journeyStatusQuery, SA_TENANT } from '../../workflows/shared';
import type { JourneyVersion } from './store';

/** How many running journeys a publish reached. */
export interface PublishReach {
  /** Journeys on this journey (any version) that were signalled to upgrade at their next stage. */
  signalled: number;
  /** Running journeys of the tenant that follow another journey. */
  skipped: number;
  /** Journeys that could not be asked or signalled (they keep their version). */
  failed: number;
}

const CONCURRENCY = 16;
/** A journey whose worker does not answer in time keeps its version rather than holding up the publish. */
const QUERY_DEADLINE_MS = 3_000;

/**
 * Tells the tenant's running journeys that follow this journey about its new version: each applies it at
 * its next stage change (definitionPublishedSignal). Running journeys are found through visibility
 * (`CandorTenant`); which journey each follows is read from its status, whose definition version is
 * `{journeyId}@…` for both shipped defaults and published versions.
 */
export async function notifyRunningJourneys(client: Client, tenantId: string, published: JourneyVersion): Promise<PublishReach> {
  const reach: PublishReach = { signalled: 0, skipped: 0, failed: 0 };
  const query = `${SA_TENANT.name} = "${tenantId.replace(/["\\]/g, '')}" AND ExecutionStatus = "Running" AND WorkflowType = "candidateJourney"`;
  const pending = new Set<Promise<void>>();
  const visit = async (workflowId: string) => {
    try {
      const handle = client.workflow.getHandle(workflowId);
      const status = await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(journeyStatusQuery));
      if (!status.definitionVersion?.startsWith(`${published.journeyId}@`) || status.definitionVersion === published.label) {
        reach.skipped++;
        return;
      }
      await handle.signal(definitionPublishedSignal, { definition: published.definition, version: published.label });
      reach.signalled++;
    } catch {
      reach.failed++;
    }
  };
  for await (const execution of client.workflow.list({ query })) {
    const task = visit(execution.workflowId).finally(() => pending.delete(task));
    pending.add(task);
    if (pending.size >= CONCURRENCY) await Promise.race(pending);
  }
  await Promise.all(pending);
  return reach;
}

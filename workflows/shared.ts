import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * Names shared by the workflow and the services that talk to it: task queue, workflow ids,
 * signals and queries. Defined once here, imported by both sides.
 */

/** The task queue journey workflows and their activities run on, unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'candor-journeys';

const ID_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The deterministic workflow id of one application's journey. Ids hold only the tenant and the
 * ATS's application id (never a name, e-mail or phone), so they are safe to log and to show.
 */
export function journeyWorkflowId(tenant: string, applicationId: string): string {
  if (!ID_PART.test(tenant)) throw new Error(`tenant "${tenant}" must be 1-128 letters, digits, '.', '_' or '-'`);
  if (!ID_PART.test(applicationId)) throw new Error('applicationId must be 1-128 letters, digits, ".", "_" or "-"');
  return `journey/${tenant}/${applicationId}`;
}

/** The minimal view of an ATS event the workflow needs to route and de-duplicate it. */
export interface JourneyEvent {
  /** CloudEvents id: unique per event, the idempotency key. */
  id: string;
  type: string;
  /** ISO-8601 time the ATS says the event happened. */
  time: string;
  data?: unknown;
}

/** What a journey was started with. */
export interface JourneyInput {
  tenant: string;
  applicationId: string;
}

/** A summary of a journey, for queries. */
export interface JourneyStatus {
  tenant: string;
  applicationId: string;
  eventsApplied: number;
  lastEventType: string | undefined;
  completed: boolean;
}

/** Delivers one ATS event to a journey (sent with signalWithStart, so the first event starts it). */
export const atsEventSignal = defineSignal<[JourneyEvent]>('atsEvent');
/** The journey's current status. */
export const journeyStatusQuery = defineQuery<JourneyStatus>('status');

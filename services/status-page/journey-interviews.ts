import type { Client } from '@temporalio/client';
import { candidateWithdrewSignal, interviewChoiceSignal, journeyWorkflowId, type CandidateInterviewChoice } from '../../workflows/shared';

/** What the status page and the recruiters' slot API tell a journey: interview choices and a withdrawal (ids and times only). */
export interface CandidateSignals {
  interview(tenant: string, applicationId: string, choice: CandidateInterviewChoice): Promise<void>;
  withdraw(tenant: string, applicationId: string): Promise<void>;
}

/** CandidateSignals over a Temporal client: plain signals to the application's running journey. */
export function candidateSignals(client: Client): CandidateSignals {
  return {
    async interview(tenant, applicationId, choice) {
      await client.workflow.getHandle(journeyWorkflowId(tenant, applicationId)).signal(interviewChoiceSignal, choice);
    },
    async withdraw(tenant, applicationId) {
      await client.workflow.getHandle(journeyWorkflowId(tenant, applicationId)).signal(candidateWithdrewSignal);
    },
  };
}

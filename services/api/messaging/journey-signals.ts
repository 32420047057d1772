import type { Client } from '@temporalio/client';
import type { CandidateQuestion, CandidateReply, DeliveryResult, JourneyStatus } from '../../../workflows/shared';
import { journeyStatus, signalCandidateQuestion, signalCandidateReply, signalDeliveryResult, signalQuestionAnswered } from '../../../core/temporal/journeys';

/** What the provider webhooks tell journeys, and ask them. */
export interface JourneySignals {
  deliveryResult(tenant: string, applicationId: string, result: DeliveryResult): Promise<void>;
  reply(tenant: string, applicationId: string, reply: CandidateReply): Promise<void>;
  /** The candidate asked a person something (the text is in the store). Optional for fakes that never see one. */
  question?(tenant: string, applicationId: string, question: CandidateQuestion): Promise<void>;
  /** A recruiter answered a question: the journey sends the answer. Optional like `question`. */
  answered?(tenant: string, applicationId: string, questionId: string): Promise<void>;
  /** The journey's status, or undefined when it cannot be asked (ended long ago, Temporal down). */
  status(tenant: string, applicationId: string): Promise<JourneyStatus | undefined>;
}

/** JourneySignals over a Temporal client. */
export function journeySignals(client: Client): JourneySignals {
  return {
    async deliveryResult(tenant, applicationId, result) {
      await signalDeliveryResult(client, tenant, applicationId, result);
    },
    async reply(tenant, applicationId, reply) {
      await signalCandidateReply(client, tenant, applicationId, reply);
    },
    async question(tenant, applicationId, question) {
      await signalCandidateQuestion(client, tenant, applicationId, question);
    },
    async answered(tenant, applicationId, questionId) {
      await signalQuestionAnswered(client, tenant, applicationId, questionId);
    },
    async status(tenant, applicationId) {
      try {
        return await journeyStatus(client, tenant, applicationId);
      } catch {
        return undefined;
      }
    },
  };
}

import type { Client } from '@temporalio/client';
import type { CandidateReply, DeliveryResult, JourneyStatus } from '../../../workflows/shared';
import { journeyStatus, signalCandidateReply, signalDeliveryResult } from '../../../core/temporal/journeys';

/** What the provider webhooks tell journeys, and ask them. */
export interface JourneySignals {
  deliveryResult(tenant: string, applicationId: string, result: DeliveryResult): Promise<void>;
  reply(tenant: string, applicationId: string, reply: CandidateReply): Promise<void>;
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
    async status(tenant, applicationId) {
      try {
        return await journeyStatus(client, tenant, applicationId);
      } catch {
        return undefined;
      }
    },
  };
}

import { ApplicationFailure, log } from '@temporalio/activity';
import type { Database } from '../services/store';
import type { Logger } from '../services/logger';
import type { MessageText } from '../workflows/engine/definition';
import type { AlertReason, JourneyEventType, Outcome } from '../workflows/engine/commands';
import type { DeliveryResult, JourneyContact } from '../workflows/shared';
import { loadDefaultJourneys, type VersionedDefinition } from './journeys/default-journeys';
import { resolvePublishedJourney } from './journeys/published-journeys';
import { pickText, renderMessage } from './messaging/sandbox-render';

/** An outbound journey event, as published to `candor.journey-events` (CloudEvents). */
export interface JourneyEventOut {
  id: string;
  type: `candor.journey.${JourneyEventType}`;
  tenant: string;
  applicationId: string;
  time: string;
  data: { messageId?: string; template?: string; channel?: string; reason?: string; outcome?: Outcome };
}

/** Where journey events go; the worker wires the Kafka producer. */
export interface JourneyEventSink {
  publish(event: JourneyEventOut): Promise<unknown>;
}

/** What activities need from the outside world; only the worker wires real clients. */
export interface ActivityDeps {
  logger: Logger;
  db: Database;
  events: JourneyEventSink;
  /** Default journeys by locale (journeys/*.yaml) unless given. */
  journeys?: Map<string, VersionedDefinition>;
}

/** What the workflow asks the delivery activity to send. */
export interface DeliverRequest {
  tenant: string;
  applicationId: string;
  messageId: string;
  template: string;
  channel: 'email' | 'sms';
  locale: string;
  timeZone: string;
  text: Record<string, MessageText> | undefined;
  contact: JourneyContact;
}

/**
 * Builds every activity the journey workflow can call, with its clients injected.
 * Workflows type their proxies with `ReturnType<typeof createActivities>`.
 */
export function createActivities(deps: ActivityDeps) {
  const journeys = deps.journeys ?? loadDefaultJourneys();
  return {
    /** The journey a new application follows: the job's, the tenant's default, or the shipped default for the candidate's locale. */
    async resolveJourneyDefinition(params: { tenant: string; jobId?: string; locale?: string }): Promise<VersionedDefinition> {
      return resolvePublishedJourney(deps.db, journeys, params);
    },

    /**
     * Sends one message through the sandbox provider: renders it in the candidate's language and records
     * it in the outbox exactly as they would read it. Keyed by (message id, channel), so a retry never
     * records it twice.
     */
    async deliverMessage(request: DeliverRequest): Promise<DeliveryResult> {
      const recipient = request.channel === 'email' ? request.contact.email : request.contact.phone;
      if (!recipient) {
        return { messageId: request.messageId, channel: request.channel, status: 'failed', reason: `no ${request.channel === 'email' ? 'e-mail address' : 'phone number'}` };
      }
      const text = pickText(request.text, request.locale);
      if (!text) {
        throw ApplicationFailure.nonRetryable(`Template ${request.template} has no text`, 'TemplateMissing');
      }
      const tenant = await deps.db.query<{ name: string }>('select name from tenants where id = $1', [request.tenant]);
      const rendered = await renderMessage(text, {
        contact: request.contact,
        companyName: tenant.rows[0]?.name ?? request.tenant,
        timeZone: request.timeZone,
        locale: request.locale,
      });
      await deps.db.query(
        `insert into outbox (message_id, tenant_id, application_id, channel, recipient, locale, template, subject, body)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (message_id, channel) do nothing`,
        [request.messageId, request.tenant, request.applicationId, request.channel, recipient, request.locale, request.template, request.channel === 'email' ? rendered.subject ?? null : null, rendered.body],
      );
      log.info('message delivered to sandbox', { messageId: request.messageId, channel: request.channel, template: request.template });
      return { messageId: request.messageId, channel: request.channel, status: 'delivered' };
    },

    /** Records an alert for the recruiter (the console lists open alerts). */
    async alertRecruiter(params: { tenant: string; applicationId: string; alertId: string; reason: AlertReason; messageId?: string; days?: number }): Promise<void> {
      await deps.db.query(
        `insert into recruiter_alerts (alert_id, tenant_id, application_id, reason, message_id, days)
         values ($1, $2, $3, $4, $5, $6) on conflict (alert_id) do nothing`,
        [params.alertId, params.tenant, params.applicationId, params.reason, params.messageId ?? null, params.days ?? null],
      );
      deps.logger.warn({ tenant: params.tenant, applicationId: params.applicationId, reason: params.reason }, 'recruiter alerted');
    },

    /** Publishes a journey event to `candor.journey-events`; its id is deterministic, so consumers can dedupe a replay. */
    async publishJourneyEvent(event: JourneyEventOut): Promise<void> {
      await deps.events.publish(event);
    },
  };
}

/** The activities object the workflow proxies. */
export type Activities = ReturnType<typeof createActivities>;

import type { Queryable } from '../../core/store';
import type { Accepted, OutboundMessage, Provider } from './provider';

const sandboxId = (message: OutboundMessage, channel: 'email' | 'sms') => `sandbox:${message.tenant}:${message.messageId}:${channel}`;

/**
 * The default provider when no credentials are set: records each message in `outbox` exactly as the
 * candidate would see it (read it with GET /api/v1/outbox). Keyed by (tenant, message id, channel), so even
 * a send whose ledger write was lost is recorded once, and two tenants' messages with the same id are two rows.
 * Its message ids name the tenant too, as a real provider's are unique across its accounts.
 */
export function createSandboxProvider(db: Queryable, channel: 'email' | 'sms'): Provider {
  return {
    name: 'sandbox',
    async send(message: OutboundMessage): Promise<Accepted> {
      await db.query(
        `insert into outbox (message_id, tenant_id, application_id, channel, recipient, locale, template, subject, body, html, headers)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (tenant_id, message_id, channel) do nothing`,
        [
          message.messageId,
          message.tenant,
          message.applicationId,
          channel,
          message.to,
          message.locale,
          message.template,
          message.subject ?? null,
          message.text,
          message.html ?? null,
          message.headers ? JSON.stringify(message.headers) : null,
        ],
      );
      return { providerMessageId: sandboxId(message, channel), delivered: true };
    },
    async findAccepted(message: OutboundMessage): Promise<string | undefined> {
      const found = await db.query('select 1 from outbox where tenant_id = $1 and message_id = $2 and channel = $3', [message.tenant, message.messageId, channel]);
      return found.rows.length > 0 ? sandboxId(message, channel) : undefined;
    },
  };
}

import type { Queryable } from '../../core/store';
import { formatAddress, SANDBOX_EMAIL_FROM } from '../../core/messaging/sender';
import { outboxHasMessage, recordOutboxMessage } from '../../core/store/outbox';
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
    ...(channel === 'email' ? { emailFrom: SANDBOX_EMAIL_FROM } : {}),
    async send(message: OutboundMessage): Promise<Accepted> {
      // From and Reply-To as a real provider would send them, so the outbox shows them.
      await recordOutboxMessage(db, { ...message, channel, from: message.from ? formatAddress(message.from) : undefined, replyTo: message.replyTo ? formatAddress(message.replyTo) : undefined });
      return { providerMessageId: sandboxId(message, channel), delivered: true };
    },
    async findAccepted(message: OutboundMessage): Promise<string | undefined> {
      return (await outboxHasMessage(db, message.tenant, message.messageId, channel)) ? sandboxId(message, channel) : undefined;
    },
  };
}

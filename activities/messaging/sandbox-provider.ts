import type { Queryable } from '../../core/store';
import { formatAddress, SANDBOX_EMAIL_FROM } from '../../core/messaging/sender';
import { outboxHasMessage, recordOutboxMessage } from '../../core/store/outbox';
import type { Accepted, OutboundMessage, Provider, SendOptions } from './provider';

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
    async send(message: OutboundMessage, options?: SendOptions): Promise<Accepted> {
      const accepted = { providerMessageId: sandboxId(message, channel), delivered: true };
      // From and Reply-To as a real provider would send them, so the outbox shows them. The ledger's acceptance goes
      // in the same statement: the outbox row and the ledger say the same thing, and the send takes one round trip.
      const carried = options?.acceptance ? [options.acceptance(accepted)] : [];
      await recordOutboxMessage(db, { ...message, channel, from: message.from ? formatAddress(message.from) : undefined, replyTo: message.replyTo ? formatAddress(message.replyTo) : undefined }, carried);
      return { ...accepted, recorded: carried.length > 0 };
    },
    async findAccepted(message: OutboundMessage): Promise<string | undefined> {
      return (await outboxHasMessage(db, message.tenant, message.messageId, channel)) ? sandboxId(message, channel) : undefined;
    },
  };
}

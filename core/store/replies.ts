import type { Queryable } from './database';

/**
 * Stores one inbound SMS (a candidate's reply) keyed by the provider's message id; true the first time, false
 * for a redelivered webhook (answered again but acted on once).
 */
export async function recordInboundSms(db: Queryable, reply: { providerMessageId: string; tenant: string; applicationId: string; body: string; keyword: string | null }): Promise<boolean> {
  const stored = await db.query(
    `insert into inbound_messages (provider_message_id, tenant_id, application_id, channel, body, keyword) values ($1, $2, $3, 'sms', $4, $5) on conflict do nothing returning 1`,
    [reply.providerMessageId, reply.tenant, reply.applicationId, reply.body, reply.keyword],
  );
  return stored.rows.length > 0;
}

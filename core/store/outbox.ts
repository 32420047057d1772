import { withCarriedWrites, type CarriedWrite, type Queryable } from './database';

/**
 * The sandbox provider's outbox: each message exactly as the candidate would see it, keyed by (tenant, message
 * id, channel), so a send whose ledger write was lost is still recorded once.
 */
export interface OutboxMessage {
  messageId: string;
  tenant: string;
  applicationId: string;
  channel: 'email' | 'sms';
  to: string;
  locale: string;
  template: string;
  subject?: string | undefined;
  text: string;
  html?: string | undefined;
  headers?: Record<string, string> | undefined;
  /** An e-mail's From and Reply-To as headers show them (`"Maja Lind at Acme" <jobs@acme.example>`). */
  from?: string | undefined;
  replyTo?: string | undefined;
}

/** One stored message, as the outbox route reads it. */
export interface OutboxRow {
  message_id: string;
  application_id: string;
  channel: string;
  recipient: string;
  locale: string;
  template: string;
  subject: string | null;
  body: string;
  html: string | null;
  headers: string | null;
  sender: string | null;
  reply_to: string | null;
  sent_at: Date | string;
}

/**
 * Records one message; a second write of the same (tenant, message id, channel) changes nothing. `carried` writes (the
 * ledger's acceptance of it) go in the same statement.
 */
export async function recordOutboxMessage(db: Queryable, message: OutboxMessage, carried: readonly CarriedWrite[] = []): Promise<void> {
  const statement = withCarriedWrites(
    `insert into outbox (message_id, tenant_id, application_id, channel, recipient, locale, template, subject, body, html, headers, sender, reply_to)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) on conflict (tenant_id, message_id, channel) do nothing`,
    [
      message.messageId,
      message.tenant,
      message.applicationId,
      message.channel,
      message.to,
      message.locale,
      message.template,
      message.subject ?? null,
      message.text,
      message.html ?? null,
      message.headers ? JSON.stringify(message.headers) : null,
      message.from ?? null,
      message.replyTo ?? null,
    ],
    carried,
  );
  await db.query(statement.sql, statement.params);
}

/** Whether the outbox holds this message. */
export async function outboxHasMessage(db: Queryable, tenant: string, messageId: string, channel: 'email' | 'sms'): Promise<boolean> {
  const found = await db.query('select 1 from outbox where tenant_id = $1 and message_id = $2 and channel = $3', [tenant, messageId, channel]);
  return found.rows.length > 0;
}

/** Where a page of the outbox starts: after this message in the outbox's order. `sentAt` keeps the database's microseconds. */
export interface OutboxPosition {
  sentAt: string;
  messageId: string;
  channel: string;
}

/**
 * A tenant's outbox (one application's, when given), newest first, at most `limit` messages, starting after
 * `after` when given. The order is total (sent at, descending, then message id and channel), so pages
 * neither skip nor repeat a message; each row carries its position (`sent_at_key`) for the next page.
 */
export async function listOutbox(db: Queryable, tenant: string, applicationId: string | undefined, limit: number, after?: OutboxPosition): Promise<(OutboxRow & { sent_at_key: string })[]> {
  const { rows } = await db.query<OutboxRow & { sent_at_key: string }>(
    `select message_id, application_id, channel, recipient, locale, template, subject, body, html, headers, sender, reply_to, sent_at,
            to_char(sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sent_at_key
     from outbox
     where tenant_id = $1 and ($2::text is null or application_id = $2)
       and ($4::timestamptz is null or sent_at < $4 or (sent_at = $4 and (message_id, channel) > ($5::text, $6::text)))
     order by sent_at desc, message_id, channel limit $3`,
    [tenant, applicationId ?? null, limit, after?.sentAt ?? null, after?.messageId ?? null, after?.channel ?? null],
  );
  return rows;
}

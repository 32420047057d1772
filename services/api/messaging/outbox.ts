import type { FastifyInstance } from 'fastify';
import { smsLength } from '../../../core/messaging/sms-segments';
import { tenantForApiKey, type Queryable } from '../../../core/store';
import { listOutbox, type OutboxPosition } from '../../../core/store/outbox';
import { errorBody as error } from '../v1/errors';

/** The most messages one page holds; `nextCursor` reaches the rest. */
export const OUTBOX_MAX_LIMIT = 500;

/** A page's position as an opaque token: clients pass it back, never build it. */
const encodeCursor = (p: OutboxPosition) => Buffer.from(JSON.stringify([p.sentAt, p.messageId, p.channel])).toString('base64url');

/** The position a `nextCursor` names, or undefined when it is not one this route gave out. */
function decodeCursor(cursor: string): OutboxPosition | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(value) || value.length !== 3) return undefined;
    const [sentAt, messageId, channel] = value as unknown[];
    if (typeof sentAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(sentAt) || Number.isNaN(Date.parse(sentAt))) return undefined;
    if (typeof messageId !== 'string' || messageId.length === 0 || (channel !== 'email' && channel !== 'sms')) return undefined;
    return { sentAt, messageId, channel };
  } catch {
    return undefined;
  }
}

/**
 * `GET /api/v1/outbox?applicationId=…&limit=…&cursor=…`: what the sandbox provider "sent", exactly as the
 * candidate would read it, newest first, for the API key's tenant only. Pages hold at most 500 messages;
 * `nextCursor` (null on the last page) passed back as `cursor` gives the next one, each message once.
 */
export function registerOutboxRoute(app: FastifyInstance, deps: { db: Queryable }): void {
  app.get<{ Querystring: { applicationId?: string; application?: string; limit?: string; cursor?: string } }>('/api/v1/outbox', async (request, reply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const tenant = match ? await tenantForApiKey(deps.db, match[1]!) : undefined;
    if (!tenant) return reply.code(401).send(error('unauthenticated', 'Send your API key as "Authorization: Bearer <api key>"'));
    const applicationId = request.query.applicationId ?? request.query.application;
    const limit = Math.min(Math.max(Number(request.query.limit ?? 100) || 100, 1), OUTBOX_MAX_LIMIT);
    const { cursor } = request.query;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after) {
      const message = 'expected the nextCursor of a previous page, passed back unchanged';
      return reply.code(400).send(error('invalid_request', `The query is invalid: cursor: ${message}`, [{ path: 'cursor', message }]));
    }
    // One row more than the page says whether there is a next page.
    const rows = await listOutbox(deps.db, tenant.id, applicationId, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      messages: page.map((r) => ({
        messageId: r.message_id,
        applicationId: r.application_id,
        channel: r.channel,
        to: r.recipient,
        locale: r.locale,
        template: r.template,
        ...(r.subject !== null ? { subject: r.subject } : {}),
        // Who an e-mail came from and where a reply goes, as its headers say (e-mails sent before they were recorded have neither).
        ...(r.sender !== null ? { from: r.sender } : {}),
        ...(r.reply_to !== null ? { replyTo: r.reply_to } : {}),
        text: r.body,
        // An SMS's length as the send path counts it: encoding, septets or UTF-16 units, segments.
        ...(r.channel === 'sms' ? { length: smsLength(r.body) } : {}),
        ...(r.html !== null ? { html: r.html } : {}),
        ...(r.headers !== null ? { headers: JSON.parse(r.headers) as Record<string, string> } : {}),
        sentAt: new Date(r.sent_at).toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ sentAt: last.sent_at_key, messageId: last.message_id, channel: last.channel }) : null,
    };
  });
}

import type { FastifyInstance } from 'fastify';
import { smsLength } from '../../../activities/messaging/sms-segments';
import { tenantForApiKey, type Queryable } from '../../../core/store';

const error = (code: string, message: string) => ({ error: { code, message } });

interface OutboxRow {
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
  sent_at: Date | string;
}

/**
 * `GET /api/v1/outbox?applicationId=…&limit=…`: what the sandbox provider "sent", exactly as the
 * candidate would read it, newest first, for the API key's tenant only.
 */
export function registerOutboxRoute(app: FastifyInstance, deps: { db: Queryable }): void {
  app.get<{ Querystring: { applicationId?: string; application?: string; limit?: string } }>('/api/v1/outbox', async (request, reply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const tenant = match ? await tenantForApiKey(deps.db, match[1]!) : undefined;
    if (!tenant) return reply.code(401).send(error('unauthenticated', 'Send your API key as "Authorization: Bearer <api key>"'));
    const applicationId = request.query.applicationId ?? request.query.application;
    const limit = Math.min(Math.max(Number(request.query.limit ?? 100) || 100, 1), 500);
    const rows = (
      await deps.db.query<OutboxRow>(
        `select message_id, application_id, channel, recipient, locale, template, subject, body, html, headers, sent_at from outbox
         where tenant_id = $1 and ($2::text is null or application_id = $2) order by sent_at desc, message_id limit $3`,
        [tenant.id, applicationId ?? null, limit],
      )
    ).rows;
    return {
      messages: rows.map((r) => ({
        messageId: r.message_id,
        applicationId: r.application_id,
        channel: r.channel,
        to: r.recipient,
        locale: r.locale,
        template: r.template,
        ...(r.subject !== null ? { subject: r.subject } : {}),
        text: r.body,
        // An SMS's length as the send path counts it: encoding, septets or UTF-16 units, segments.
        ...(r.channel === 'sms' ? { length: smsLength(r.body) } : {}),
        ...(r.html !== null ? { html: r.html } : {}),
        ...(r.headers !== null ? { headers: JSON.parse(r.headers) as Record<string, string> } : {}),
        sentAt: new Date(r.sent_at).toISOString(),
      })),
    };
  });
}

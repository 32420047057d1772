import type { FastifyInstance } from 'fastify';
import { smsLength } from '../../../core/messaging/sms-segments';
import { tenantForApiKey, type Queryable } from '../../../core/store';
import { listOutbox } from '../../../core/store/outbox';
import { errorBody as error } from '../v1/errors';


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
    const rows = await listOutbox(deps.db, tenant.id, applicationId, limit);
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

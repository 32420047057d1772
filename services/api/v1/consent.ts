import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isOptedOut, normaliseContact, optIn, optOut } from '../../../activities/messaging';
import { atsEventSignal } from '../../../workflows/shared';
import type { Database } from '../../store';
import { journeyHandle } from '../../temporal/journeys';
import { tenantOf } from './auth';
import { parseRequest } from './errors';

const E164 = /^\+[1-9]\d{6,14}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A contact on one channel. Sent in a body, never a URL, so addresses stay out of access logs. */
const ContactBody = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('email'), contact: z.email('expected an e-mail address') }).strict(),
  z.object({ channel: z.literal('sms'), contact: z.string().regex(E164, 'expected a phone number in E.164 form, like +46701234567') }).strict(),
]);

const ErasureBody = z
  .object({
    candidateId: z.string().regex(ID, 'expected the ATS candidate id'),
    /** The candidate's applications (the ATS knows them; Candor keys journeys by application). */
    applicationIds: z.array(z.string().regex(ID, 'expected an ATS application id')).min(1).max(100),
    /** The candidate's addresses, to delete their messages across every application too. */
    contacts: z.object({ email: z.email().optional(), phone: z.string().regex(E164, 'expected E.164').optional() }).strict().optional(),
  })
  .strict();

/** What the consent and erasure routes need; erasure needs Temporal to end journeys. */
export interface ConsentRoutesDeps {
  db: Database;
  temporal: Client | undefined;
}

/**
 * Consent (read, opt out, opt back in) per tenant, channel and contact, checked by the send path before every
 * message; and erasure: end the candidate's journeys with an `ats.candidate.erased` event (the journey
 * publishes `candor.journey.journey.completed` with outcome `erased`) and delete their messages from the store.
 */
export function registerConsentRoutes(scope: FastifyInstance, deps: ConsentRoutesDeps): void {
  const { db } = deps;

  scope.post('/consent/status', async (request) => {
    const tenant = tenantOf(request);
    const { channel, contact } = parseRequest(ContactBody, request.body, 'request body');
    const { rows } = await db.query<{ source: string; opted_out_at: Date | string }>(
      'select source, opted_out_at from consent_opt_outs where tenant_id = $1 and channel = $2 and contact = $3',
      [tenant.id, channel, normaliseContact(channel, contact)],
    );
    const row = rows[0];
    return { channel, optedOut: row !== undefined, ...(row ? { source: row.source, optedOutAt: new Date(row.opted_out_at).toISOString() } : {}) };
  });

  scope.post('/consent/opt-out', async (request) => {
    const tenant = tenantOf(request);
    const { channel, contact } = parseRequest(ContactBody, request.body, 'request body');
    await optOut(db, tenant.id, channel, contact, 'recruiter-api');
    return { channel, optedOut: await isOptedOut(db, tenant.id, channel, contact) };
  });

  scope.post('/consent/opt-in', async (request) => {
    const tenant = tenantOf(request);
    const { channel, contact } = parseRequest(ContactBody, request.body, 'request body');
    await optIn(db, tenant.id, channel, contact);
    return { channel, optedOut: await isOptedOut(db, tenant.id, channel, contact) };
  });

  scope.post('/erasures', async (request, reply) => {
    const tenant = tenantOf(request);
    const body = parseRequest(ErasureBody, request.body, 'erasure request');
    const erasureId = randomUUID();
    const journeys: { applicationId: string; journey: 'ended' | 'not-running' }[] = [];
    for (const applicationId of body.applicationIds) {
      if (!deps.temporal) {
        journeys.push({ applicationId, journey: 'not-running' });
        continue;
      }
      try {
        // A plain signal, not signalWithStart: erasing must never start a journey.
        await journeyHandle(deps.temporal, tenant.id, applicationId).signal(atsEventSignal, {
          id: `erasure-${erasureId}-${applicationId}`,
          type: 'ats.candidate.erased',
          time: new Date().toISOString(),
          data: { application: { id: applicationId }, candidate: { id: body.candidateId } },
        });
        journeys.push({ applicationId, journey: 'ended' });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        journeys.push({ applicationId, journey: 'not-running' });
      }
    }
    const recipients = [body.contacts?.email ? normaliseContact('email', body.contacts.email) : undefined, body.contacts?.phone].filter((r): r is string => r !== undefined);
    const deleted = await db.transaction(async (tx) => {
      const scopeSql = 'tenant_id = $1 and (application_id = any($2::text[]) or lower(recipient) = any($3::text[]))';
      const args = [tenant.id, body.applicationIds, recipients];
      const outbox = await tx.query(`delete from outbox where ${scopeSql} returning 1`, args);
      const inbound = await tx.query('delete from inbound_messages where tenant_id = $1 and application_id = any($2::text[]) returning 1', [tenant.id, body.applicationIds]);
      // The ledger keeps its rows (they stop a retried send from going out twice) without the address.
      const ledger = await tx.query(`update message_ledger set recipient = 'erased' where ${scopeSql} and recipient <> 'erased' returning 1`, args);
      return { outboxMessages: outbox.rows.length, inboundMessages: inbound.rows.length, ledgerEntriesRedacted: ledger.rows.length };
    });
    request.log.info({ tenant: tenant.id, erasureId, journeys: journeys.length, deleted }, 'candidate erased');
    return reply.code(202).send({ erasureId, candidateId: body.candidateId, journeys, deleted });
  });
}

import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isOptedOut, optIn, optOut, optOutOf } from '../../../core/store/consent';
import { DEFAULT_TASK_QUEUE, ID_PATTERN } from '../../../workflows/shared';
import type { Database } from '../../../core/store';
import { compactAfterErasure, eraseCandidateData } from '../../../core/store/erasure';
import { requestJourneyErasure, type JourneyErasureRequest } from '../../../core/temporal/erasure';
import { tenantOf } from './auth';
import { parseRequest } from './errors';

const E164 = /^\+[1-9]\d{6,14}$/;
const ID = ID_PATTERN;

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
  /** Where the erasure workflow runs when the application has no journey (else on the journey's own queue). */
  taskQueue?: string;
}

/**
 * Consent (read, opt out, opt back in) per tenant, channel and contact, checked by the send path before every
 * message; and erasure: end the candidate's journeys with an `ats.candidate.erased` event (the journey
 * publishes `candor.journey.journey.completed` with outcome `erased`), delete their personal data from the store
 * (core/store/erasure.ts) and, once each journey has ended, every run of its history (workflows/journey-erasure.ts).
 */
export function registerConsentRoutes(scope: FastifyInstance, deps: ConsentRoutesDeps): void {
  const { db } = deps;

  scope.post('/consent/status', async (request) => {
    const tenant = tenantOf(request);
    const { channel, contact } = parseRequest(ContactBody, request.body, 'request body');
    const row = await optOutOf(db, tenant.id, channel, contact);
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
    const journeys: { applicationId: string; journey: JourneyErasureRequest }[] = [];
    for (const applicationId of body.applicationIds) {
      if (!deps.temporal) {
        journeys.push({ applicationId, journey: 'not-running' });
        continue;
      }
      // Ends a running journey and starts the erasure workflow, which deletes every run of the journey's history
      // once it has ended and wipes the store again for anything the journey wrote meanwhile.
      const event = {
        id: `erasure-${erasureId}-${applicationId}`,
        type: 'ats.candidate.erased',
        time: new Date().toISOString(),
        data: { application: { id: applicationId }, candidate: { id: body.candidateId } },
      };
      journeys.push({ applicationId, journey: await requestJourneyErasure(deps.temporal, deps.taskQueue ?? DEFAULT_TASK_QUEUE, { tenant: tenant.id, applicationId }, event) });
    }
    const deleted = await eraseCandidateData(db, {
      tenant: tenant.id,
      applicationIds: body.applicationIds,
      contacts: { email: body.contacts?.email, phone: body.contacts?.phone },
    });
    // Deleted rows leave the database files only once compacted (see core/store/erasure.ts).
    await compactAfterErasure(db);
    request.log.info({ tenant: tenant.id, erasureId, journeys: journeys.length, deleted }, 'candidate erased');
    return reply.code(202).send({ erasureId, candidateId: body.candidateId, journeys, deleted });
  });
}

import type { FastifyInstance } from 'fastify';
import { type Kafka, type Producer } from 'kafkajs';
import { VENDOR_ADAPTERS, findTenantAdapter, isProvider, PayloadError, type MapResult } from '../adapters';
import { bodyDigest } from '../adapters/common';
import { signedTimeCheck, SIGNED_MAX_AGE_MS } from '../adapters/freshness';
import { applicationsOfCandidate, claimDeliveryToken, forgetCandidate, releaseDeliveryToken, rememberCandidateLinks } from '../../core/store/webhook-state';
import { eventKey, parseAtsEvent } from '../../core/events/envelope';
import { TOPIC_ATS_EVENTS } from '../../core/kafka/topics';
import type { Queryable } from '../../core/store';
import { errorBody as error } from './v1/errors';
import { connectOnFirstUse, createIdempotentProducer } from '../../core/kafka/client';

/** What the ATS webhook routes need. */
export interface AtsWebhookDeps {
  db: Queryable;
  kafka: Kafka;
  /** The clock signed delivery times are checked against (tests move it). */
  now?: () => number;
}


/**
 * `POST /webhooks/ats/:provider/:tenant` for Greenhouse, Lever and Ashby. Each delivery is verified
 * over its raw bytes (401 on a bad signature), mapped with the tenant's stage mapping, and produced
 * to `ats.events` (acks from all in-sync replicas) before the 202: a vendor that sees no 2xx retries,
 * so nothing is lost, and a retry keeps its CloudEvents id, so the journey applies it once. A vendor
 * whose signature covers a token and a time instead of the body (Lever) must also be fresh (401
 * `stale_delivery`), and its token is good for one body: the same delivery again is answered 202 with
 * nothing produced, the token on another body 409 `replayed_token`.
 */
export function registerAtsWebhooks(app: FastifyInstance, deps: AtsWebhookDeps): void {
  const producer: Producer = createIdempotentProducer(deps.kafka);
  const connection = connectOnFirstUse(producer);
  app.addHook('onClose', async () => {
    if (connection.started()) await producer.disconnect();
  });

  void app.register(async (scope) => {
    // Signatures are over the exact bytes the vendor sent, so this scope keeps the body raw.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));

    scope.post<{ Params: { provider: string; tenant: string } }>('/webhooks/ats/:provider/:tenant', async (request, reply) => {
      const { provider, tenant } = request.params;
      if (!isProvider(provider)) return reply.code(404).send(error('unknown_provider', `No ATS adapter for "${provider}" (greenhouse, lever, ashby)`));
      const adapter = await findTenantAdapter(deps.db, tenant, provider);
      if (!adapter) return reply.code(404).send(error('not_configured', `Tenant ${tenant} has no ${provider} adapter`));
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const vendor = VENDOR_ADAPTERS[provider];
      if (!vendor.verify({ rawBody, headers: request.headers }, adapter.secret)) {
        request.log.warn({ provider, tenant }, 'ATS webhook with a bad signature');
        return reply.code(401).send(error('bad_signature', 'The signature does not match this tenant’s webhook secret'));
      }
      let payload: unknown;
      try {
        payload = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return reply.code(400).send(error('not_json', 'The body is not JSON'));
      }
      const delivery = { rawBody, headers: request.headers };
      const signed = vendor.deliveryToken?.(delivery);
      if (vendor.deliveryToken) {
        const now = deps.now?.() ?? Date.now();
        const check = signed ? signedTimeCheck(signed.signedAt, now) : 'stale';
        if (!signed || check !== 'fresh') {
          request.log.warn({ provider, tenant, check }, 'ATS webhook signed outside the freshness window');
          return reply.code(401).send(error('stale_delivery', `The delivery must be signed within the last ${SIGNED_MAX_AGE_MS / 60_000} minutes`));
        }
        const use = await claimDeliveryToken(deps.db, { tenant, provider, token: signed.token, bodyDigest: bodyDigest(rawBody), expiresAt: new Date(signed.signedAt + SIGNED_MAX_AGE_MS), now: new Date(now) });
        if (use === 'retry') return reply.code(202).send({ accepted: [], duplicate: true });
        if (use === 'reused') {
          request.log.warn({ provider, tenant }, 'ATS webhook reused a signed token on another body');
          return reply.code(409).send(error('replayed_token', 'This signed token was already used for another delivery'));
        }
      }
      /** Whatever this delivery changes, undone when it cannot be stored, so the vendor's retry starts afresh. */
      const release = async () => {
        if (signed) await releaseDeliveryToken(deps.db, tenant, provider, signed.token);
      };
      let mapped: MapResult;
      try {
        mapped = await vendor.map(payload, adapter, delivery, { applicationsOf: (candidateId) => applicationsOfCandidate(deps.db, tenant, provider, candidateId) });
      } catch (e) {
        await release();
        if (!(e instanceof PayloadError)) throw e;
        return reply.code(422).send(error('unexpected_payload', e.message));
      }
      if ('ignored' in mapped) return reply.code(202).send({ accepted: [], ignored: mapped.ignored });
      const messages = [];
      for (const event of mapped.events) {
        // Checked exactly as ingest will check it: what we accept here, ingest accepts too.
        const value = JSON.stringify(event);
        const check = parseAtsEvent(Buffer.from(value), eventKey(event.tenant, event.subject));
        if (!check.ok) {
          await release();
          return reply.code(422).send(error(check.problem.reason, check.problem.detail));
        }
        messages.push({ key: eventKey(event.tenant, event.subject), value, headers: { 'ce-id': event.id, 'ce-type': event.type } });
      }
      try {
        await connection.connect();
        await producer.send({ topic: TOPIC_ATS_EVENTS, acks: -1, messages });
      } catch (e) {
        request.log.error({ provider, tenant, err: e }, 'could not produce ATS webhook events');
        await release().catch(() => undefined);
        return reply.code(503).header('retry-after', '5').send(error('unavailable', 'Could not store the event; retry later'));
      }
      // Ids only: which applications are the candidate's, so a later candidate-only event reaches them.
      await rememberCandidateLinks(deps.db, tenant, provider, mapped.links ?? []);
      for (const candidateId of mapped.forget ?? []) await forgetCandidate(deps.db, tenant, provider, candidateId);
      request.log.info({ provider, tenant, events: mapped.events.map((e) => ({ id: e.id, type: e.type })) }, 'ATS webhook accepted');
      return reply.code(202).send({ accepted: mapped.events.map((e) => ({ id: e.id, type: e.type, subject: e.subject })) });
    });
  });
}

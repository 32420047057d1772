import type { FastifyInstance } from 'fastify';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { VENDOR_ADAPTERS, findTenantAdapter, isProvider, PayloadError } from '../adapters';
import { eventKey, parseAtsEvent } from '../events/envelope';
import { TOPIC_ATS_EVENTS } from '../kafka/topics';
import type { Queryable } from '../store';

/** What the ATS webhook routes need. */
export interface AtsWebhookDeps {
  db: Queryable;
  kafka: Kafka;
}

const error = (code: string, message: string) => ({ error: { code, message } });

/**
 * `POST /webhooks/ats/:provider/:tenant` for Greenhouse, Lever and Ashby. Each delivery is verified
 * over its raw bytes (401 on a bad signature), mapped with the tenant's stage mapping, and produced
 * to `ats.events` (acks from all in-sync replicas) before the 202: a vendor that sees no 2xx retries,
 * so nothing is lost, and a retry keeps its CloudEvents id, so the journey applies it once.
 */
export function registerAtsWebhooks(app: FastifyInstance, deps: AtsWebhookDeps): void {
  const producer: Producer = deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  let connected: Promise<void> | undefined;
  const connect = () => {
    connected ??= producer.connect().catch((e: unknown) => {
      connected = undefined;
      throw e;
    });
    return connected;
  };
  app.addHook('onClose', async () => {
    if (connected) await producer.disconnect();
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
      let mapped;
      try {
        mapped = vendor.map(payload, adapter, rawBody);
      } catch (e) {
        if (!(e instanceof PayloadError)) throw e;
        return reply.code(422).send(error('unexpected_payload', e.message));
      }
      if ('ignored' in mapped) return reply.code(202).send({ accepted: [], ignored: mapped.ignored });
      const messages = [];
      for (const event of mapped.events) {
        // Checked exactly as ingest will check it: what we accept here, ingest accepts too.
        const value = JSON.stringify(event);
        const check = parseAtsEvent(Buffer.from(value), eventKey(event.tenant, event.subject));
        if (!check.ok) return reply.code(422).send(error(check.problem.reason, check.problem.detail));
        messages.push({ key: eventKey(event.tenant, event.subject), value, headers: { 'ce-id': event.id, 'ce-type': event.type } });
      }
      try {
        await connect();
        await producer.send({ topic: TOPIC_ATS_EVENTS, acks: -1, messages });
      } catch (e) {
        request.log.error({ provider, tenant, err: e }, 'could not produce ATS webhook events');
        return reply.code(503).header('retry-after', '5').send(error('unavailable', 'Could not store the event; retry later'));
      }
      request.log.info({ provider, tenant, events: mapped.events.map((e) => ({ id: e.id, type: e.type })) }, 'ATS webhook accepted');
      return reply.code(202).send({ accepted: mapped.events.map((e) => ({ id: e.id, type: e.type, subject: e.subject })) });
    });
  });
}

import type { FastifyInstance } from 'fastify';
import { AdapterConfig } from '../../adapters';
import {
  createApiKey,
  createTenant,
  deleteAtsAdapter,
  findTenant,
  listApiKeys,
  listAtsAdapters,
  listTenants,
  revokeApiKey,
  rotateApiKey,
  setTenantBranding,
  tenantBrandingSettings,
  writeAtsAdapter,
  type Database,
} from '../../../core/store';
import { ApiError, installErrorHandler, parseRequest } from '../v1/errors';
import { installResponseHeaders } from '../v1/response-headers';
import { installJsonBodyParser } from '../v1/safe-parsing';
import { isAdminKey } from './operator-key';
import { AdapterParams, CreateKey, CreateTenant, KeyParams, SetAdapter, SetAlertSettings, SetBranding, TenantParams, type Provider } from './schemas';
import { alertSettings, setAlertSettings, type AlertSettings } from '../../../core/store/alerts';
import { atsWebhookUrl, tenantWebhooks } from './webhook-urls';

export { ensureLocalAdminKey, generateAdminKey, readLocalAdminKey, localAdminKeyFile, ADMIN_KEY_PREFIX } from './operator-key';
export { tenantWebhooks, atsWebhookUrl, type TenantWebhooks } from './webhook-urls';

/** What the admin API needs. */
export interface AdminApiDeps {
  db: Database;
  /** The operator key (CANDOR_ADMIN_KEY); undefined turns every admin route into a 404 saying how to turn it on. */
  adminKey: string | undefined;
  /** PUBLIC_URL, for the webhook URLs it shows. */
  publicUrl: string;
}

/**
 * The operator's API under /admin/v1: tenants, their API keys (the full key is answered once, only its
 * hash is stored), their ATS adapters (secrets sealed at rest, never answered) and webhook URLs. Every
 * route needs `Authorization: Bearer <CANDOR_ADMIN_KEY>`; tenant keys are refused, and the operator key
 * is refused on the tenant API (it is not in `api_keys`).
 */
export function registerAdminApi(app: FastifyInstance, deps: AdminApiDeps): void {
  const { db } = deps;
  void app.register(
    async (scope) => {
      installErrorHandler(scope);
      // Answers carry new API keys: never cached, never sniffed; bodies have the API's nesting limit.
      installResponseHeaders(scope);
      installJsonBodyParser(scope);
      scope.addHook('onRequest', async (request) => {
        if (!deps.adminKey) {
          throw new ApiError(404, 'admin_disabled', 'The admin API is off on this server: set CANDOR_ADMIN_KEY (at least 24 characters) on the api role to turn it on');
        }
        const header = request.headers.authorization;
        if (!header) throw new ApiError(401, 'unauthenticated', 'Send the operator key as "Authorization: Bearer <CANDOR_ADMIN_KEY>"');
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!match) throw new ApiError(401, 'unauthenticated', 'The Authorization header must be "Bearer <CANDOR_ADMIN_KEY>"');
        if (!isAdminKey(deps.adminKey, match[1]!)) {
          throw new ApiError(401, 'invalid_admin_key', 'This is not the operator key (CANDOR_ADMIN_KEY); tenant API keys cannot use the admin API');
        }
      });

      const tenantOr404 = async (tenantId: string) => {
        const tenant = await findTenant(db, tenantId);
        if (!tenant) throw new ApiError(404, 'tenant_not_found', `No tenant "${tenantId}"; create it with POST /admin/v1/tenants`);
        return tenant;
      };
      const webhooksOf = async (tenantId: string) =>
        tenantWebhooks(
          deps.publicUrl,
          tenantId,
          (await listAtsAdapters(db, tenantId)).map((a) => a.provider),
        );

      scope.get('/tenants', async () => ({ tenants: await listTenants(db) }));

      scope.post('/tenants', async (request, reply) => {
        const body = parseRequest(CreateTenant, request.body ?? {}, 'tenant');
        if (!(await createTenant(db, body))) throw new ApiError(409, 'tenant_exists', `Tenant "${body.id}" already exists`);
        request.log.info({ admin: 'tenant.created', tenant: body.id }, 'admin: tenant created');
        return reply.code(201).send({ tenant: { id: body.id, name: body.name }, webhooks: await webhooksOf(body.id) });
      });

      scope.get('/tenants/:tenantId', async (request) => {
        const { tenantId } = parseRequest(TenantParams, request.params, 'path');
        const tenant = await tenantOr404(tenantId);
        return { tenant, keys: await listApiKeys(db, tenantId), adapters: await listAtsAdapters(db, tenantId), webhooks: await webhooksOf(tenantId) };
      });

      scope.get('/tenants/:tenantId/keys', async (request) => {
        const { tenantId } = parseRequest(TenantParams, request.params, 'path');
        await tenantOr404(tenantId);
        return { keys: await listApiKeys(db, tenantId) };
      });

      scope.post('/tenants/:tenantId/keys', async (request, reply) => {
        const { tenantId } = parseRequest(TenantParams, request.params, 'path');
        const { label } = parseRequest(CreateKey, request.body ?? {}, 'key');
        await tenantOr404(tenantId);
        const key = await createApiKey(db, tenantId, label);
        request.log.info({ admin: 'key.created', tenant: tenantId, keyId: key.id }, 'admin: API key created');
        return reply.code(201).send({ ...key, notice: 'This is the only time the key is shown; Candor keeps only its hash.' });
      });

      scope.post('/tenants/:tenantId/keys/:keyId/rotate', async (request, reply) => {
        const { tenantId, keyId } = parseRequest(KeyParams, request.params, 'path');
        await tenantOr404(tenantId);
        const rotated = await db.transaction((tx) => rotateApiKey(tx, tenantId, keyId));
        if (rotated === undefined) throw new ApiError(404, 'key_not_found', `Tenant "${tenantId}" has no key "${keyId}"`);
        if (rotated === 'revoked') throw new ApiError(409, 'key_revoked', `Key "${keyId}" is already revoked; create a new key instead`);
        request.log.info({ admin: 'key.rotated', tenant: tenantId, keyId: rotated.id, replaces: keyId }, 'admin: API key rotated');
        return reply.code(201).send({ ...rotated, replaces: keyId, notice: 'This is the only time the key is shown; the old key is refused from now on.' });
      });

      scope.post('/tenants/:tenantId/keys/:keyId/revoke', async (request) => {
        const { tenantId, keyId } = parseRequest(KeyParams, request.params, 'path');
        await tenantOr404(tenantId);
        const revoked = await revokeApiKey(db, tenantId, keyId);
        if (!revoked) throw new ApiError(404, 'key_not_found', `Tenant "${tenantId}" has no key "${keyId}"`);
        request.log.info({ admin: 'key.revoked', tenant: tenantId, keyId }, 'admin: API key revoked');
        return revoked;
      });

      scope.get('/tenants/:tenantId/adapters', async (request) => {
        const { tenantId } = parseRequest(TenantParams, request.params, 'path');
        await tenantOr404(tenantId);
        const adapters = await listAtsAdapters(db, tenantId);
        return { adapters: adapters.map((a) => ({ ...a, webhookUrl: atsWebhookUrl(deps.publicUrl, a.provider as Provider, tenantId) })) };
      });

      scope.put('/tenants/:tenantId/adapters/:provider', async (request, reply) => {
        const { tenantId, provider } = parseRequest(AdapterParams, request.params, 'path');
        const body = parseRequest(SetAdapter, request.body ?? {}, 'adapter');
        await tenantOr404(tenantId);
        const existing = (await listAtsAdapters(db, tenantId)).find((a) => a.provider === provider);
        if (!existing && body.secret === undefined) {
          throw new ApiError(400, 'invalid_request', `The adapter is invalid: secret: is required to set up ${provider} (the signing secret you enter in ${provider})`, [
            { path: 'secret', message: `is required to set up ${provider}` },
          ]);
        }
        const config = body.config ?? existing?.config ?? {};
        const outcome = await writeAtsAdapter(db, { tenant: tenantId, provider, config: AdapterConfig.parse(config), ...(body.secret !== undefined ? { secret: body.secret } : {}) });
        const adapter = (await listAtsAdapters(db, tenantId)).find((a) => a.provider === provider)!;
        request.log.info({ admin: 'adapter.saved', tenant: tenantId, provider, outcome, secretChanged: body.secret !== undefined }, 'admin: ATS adapter saved');
        return reply.code(outcome === 'created' ? 201 : 200).send({ ...adapter, webhookUrl: atsWebhookUrl(deps.publicUrl, provider, tenantId) });
      });

      scope.delete('/tenants/:tenantId/adapters/:provider', async (request, reply) => {
        const { tenantId, provider } = parseRequest(AdapterParams, request.params, 'path');
        await tenantOr404(tenantId);
        if (!(await deleteAtsAdapter(db, tenantId, provider))) throw new ApiError(404, 'adapter_not_found', `Tenant "${tenantId}" has no ${provider} adapter`);
        request.log.info({ admin: 'adapter.deleted', tenant: tenantId, provider }, 'admin: ATS adapter deleted');
        return reply.code(204).send();
      });

      // What candidates see of the tenant: the stored settings (null: not set) and what messages use.
      scope.get('/tenants/:tenantId/branding', async (request) => {
        const { tenantId } = parseRequest(TenantParams, request.params, 'path');
        await tenantOr404(tenantId);
        return { tenant: tenantId, ...(await tenantBrandingSettings(db, tenantId))! };
      });

      scope.put('/tenants/:tenantId/branding', async (request) => {
        const { tenantId } = parseRequest(TenantParams, request.params, 'path');
        const body = parseRequest(SetBranding, request.body ?? {}, 'branding');
        await tenantOr404(tenantId);
        const saved = await setTenantBranding(db, tenantId, body);
        request.log.info({ admin: 'branding.saved', tenant: tenantId, fields: Object.keys(body) }, 'admin: tenant branding saved');
        return { tenant: tenantId, ...saved! };
      });

      // How the tenant's recruiter alerts are delivered (README "Alerts that reach a person"); the Slack URL is a
      // credential: stored sealed, shown only as whether one is set.
      const alertView = (tenant: string, settings: AlertSettings) => ({ tenant, ...settings, slackWebhookUrl: undefined, slackWebhook: settings.slackWebhookUrl !== null });
      scope.get('/tenants/:tenantId/alert-settings', async (request) => {
        const { tenantId } = parseRequest(TenantParams, request.params, 'path');
        await tenantOr404(tenantId);
        return alertView(tenantId, await alertSettings(db, tenantId));
      });
      scope.put('/tenants/:tenantId/alert-settings', async (request) => {
        const { tenantId } = parseRequest(TenantParams, request.params, 'path');
        const body = parseRequest(SetAlertSettings, request.body ?? {}, 'alert settings');
        await tenantOr404(tenantId);
        const saved = await setAlertSettings(db, tenantId, body);
        request.log.info({ admin: 'alert-settings.saved', tenant: tenantId, fields: Object.keys(body) }, 'admin: alert settings saved');
        return alertView(tenantId, saved);
      });

      scope.get('/tenants/:tenantId/webhooks', async (request) => {
        const { tenantId } = parseRequest(TenantParams, request.params, 'path');
        await tenantOr404(tenantId);
        return webhooksOf(tenantId);
      });

      scope.setNotFoundHandler((request) => {
        throw new ApiError(404, 'not_found', `No admin route for ${request.method} ${request.url.split('?')[0]}; see GET /docs`);
      });
    },
    { prefix: '/admin/v1' },
  );
}

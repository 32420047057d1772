import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tenantForApiKey, type Queryable, type Tenant } from '../../../core/store';
import { ADMIN_KEY_PREFIX } from '../admin/operator-key';
import { ApiError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant the request's API key belongs to; set on every /api/v1 route. */
    tenant: Tenant | undefined;
  }
}

/** The authenticated tenant of a request (set by `requireApiKey`). */
export function tenantOf(request: FastifyRequest): Tenant {
  if (!request.tenant) throw new ApiError(401, 'unauthenticated', 'Send your API key as "Authorization: Bearer <api key>"');
  return request.tenant;
}

/**
 * Every route in `scope` needs `Authorization: Bearer <api key>`; the key decides the tenant, and every
 * query is scoped to it, so one tenant's key can never name another tenant's data.
 */
export function requireApiKey(scope: FastifyInstance, db: Queryable): void {
  scope.decorateRequest('tenant', undefined);
  scope.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header) throw new ApiError(401, 'unauthenticated', 'Send your API key as "Authorization: Bearer <api key>"');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError(401, 'unauthenticated', 'The Authorization header must be "Bearer <api key>"');
    const tenant = await tenantForApiKey(db, match[1]!);
    if (!tenant && match[1]!.startsWith(ADMIN_KEY_PREFIX)) {
      throw new ApiError(401, 'invalid_api_key', 'This looks like the operator key: it opens /admin/v1 only; the tenant API needs a tenant API key (npm run admin -- keys create <tenant>)');
    }
    if (!tenant) throw new ApiError(401, 'invalid_api_key', 'The API key is unknown or revoked; ask your administrator for a current key');
    request.tenant = tenant;
  });
}

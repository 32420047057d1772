import pino, { type Logger } from 'pino';
import type { Config } from '../config';

/** Keys whose values are personal data or credentials; pino replaces them wherever they appear. */
const REDACTED_PATHS = [
  'apiKey',
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.email',
  '*.phone',
  '*.firstName',
  '*.lastName',
  'password',
];

/** Path parameters whose values are credentials: their names contain one of these words. */
const SECRET_PARAM = /token|secret|signature|password|key/i;

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** A path segment that is an e-mail address, or long and random enough to be a token. */
function looksPersonalOrSecret(decoded: string): boolean {
  if (decoded.includes('@')) return true;
  return decoded.length >= 24 && /^[A-Za-z0-9_\-.~+/=]+$/.test(decoded) && /\d/.test(decoded) && /[A-Za-z]/.test(decoded);
}

/** What the access log may know of a request: Fastify's request or Node's, read loosely. */
interface LoggedRequest {
  method?: string;
  url?: string;
  params?: unknown;
  routeOptions?: { url?: string | undefined };
}

/**
 * The request as access logs show it: method, the route's pattern (e.g. `/webhooks/ats/:provider/:tenant`)
 * and the path with every credential-like parameter, e-mail address and token-like segment replaced by
 * [REDACTED]. Never the query string (unsubscribe links and webhooks carry tokens there) nor the client's
 * address (personal data).
 */
export function accessLogRequest(request: LoggedRequest): { method: string | undefined; route: string | undefined; path: string } {
  const route = request.routeOptions?.url;
  const path = (request.url ?? '').split('?')[0]!;
  const params = request.params && typeof request.params === 'object' ? (request.params as Record<string, unknown>) : {};
  const secretValues = new Set(
    Object.entries(params)
      .filter(([name, value]) => typeof value === 'string' && value !== '' && SECRET_PARAM.test(name))
      .map(([, value]) => value as string),
  );
  const redacted = path
    .split('/')
    .map((segment) => {
      const decoded = decodeSegment(segment);
      return secretValues.has(decoded) || looksPersonalOrSecret(decoded) ? '[REDACTED]' : segment;
    })
    .join('/');
  return { method: request.method, route, path: redacted };
}

/** Replaces every configured secret value that slipped into a log line; values shorter than 6 chars are ignored to avoid mangling. */
export function redactSecretValues(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

/** The process logger: JSON lines, with secrets redacted by key and by value. */
export function createLogger(config: Pick<Config, 'logLevel' | 'secrets'>, destination?: pino.DestinationStream): Logger {
  const secrets = config.secrets;
  return pino(
    {
      level: config.logLevel,
      base: { service: 'candor' },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      hooks: secrets.length > 0 ? { streamWrite: (s: string) => redactSecretValues(s, secrets) } : {},
    },
    destination,
  );
}

export type { Logger };

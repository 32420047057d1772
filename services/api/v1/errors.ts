import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { formatPath } from '../../../workflows/engine';

/** One problem with a request, located by a path like `candidate.timeZone` or `stages.applied.onEnter[0]`. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error the API answers with: an HTTP status, a stable code and a message that says what to fix. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    /** Response headers that belong with the error, e.g. `allow` on a 405. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** The JSON body of every error: `{ error: { code, message, details? } }`. */
export const errorBody = (code: string, message: string, details?: ErrorDetail[]) => ({ error: { code, message, ...(details ? { details } : {}) } });

/** Parses `value` with `schema` or throws a 400 listing every problem with its path. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  throw new ApiError(400, 'invalid_request', `The ${what} is invalid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}

/** A body size for a message, e.g. "1 MiB" or "512 KiB". */
const formatBytes = (bytes: number) => (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`);

/** Fastify's and Node's own client errors, as the API's codes and messages that say what to change. */
function clientProblem(error: FastifyError, request: FastifyRequest): { code: string; message: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const type = request.headers['content-type'];
      return { code: 'unsupported_media_type', message: `${type ? `Content-Type "${type}" is` : 'A body without a Content-Type is'} not accepted here; send JSON with "Content-Type: application/json"` };
    }
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'body_too_large', message: `The request body is larger than this route accepts (${formatBytes(request.routeOptions.bodyLimit ?? 1024 * 1024)})` };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'invalid_body', message: `${error.message}; send a JSON document` };
    default:
      return { code: 'invalid_body', message: error.message };
  }
}

/** Answers ApiErrors with their status and Fastify's own errors (bad JSON, body too large) in the same shape; anything else is a logged 500. */
export function installErrorHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.headers) reply.headers(error.headers);
      return reply.code(error.status).send(errorBody(error.code, error.message, error.details));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const { code, message } = clientProblem(error, request);
      return reply.code(status).send(errorBody(code, message));
    }
    request.log.error({ err: error }, 'api request failed');
    return reply.code(500).send(errorBody('internal', 'Something went wrong on our side; the request can be retried'));
  });
}

/**
 * Fastify's `frameworkErrors` option: errors the router raises before any route or error handler runs
 * (a path parameter over the length limit, a malformed percent-encoding), in the API's shape.
 */
export function frameworkErrors(maxParamLength: number) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    // These replies skip the onSend hooks, so they carry the API's response headers themselves.
    void reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
    if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      void reply.code(414).send(errorBody('uri_too_long', `A path segment is longer than ${maxParamLength} characters; ids in this API are at most 128`));
    } else if (error.code === 'FST_ERR_BAD_URL') {
      void reply.code(400).send(errorBody('bad_url', 'The path is not valid percent-encoded UTF-8'));
    } else {
      void reply.code(500).send(errorBody('internal', 'Something went wrong on our side; the request can be retried'));
    }
  };
}

/**
 * Fastify's `clientErrorHandler` option: a request Node's HTTP parser refuses (headers over its size
 * limit, a malformed request line) gets the API's error shape too, then the connection closes.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request took too long to arrive']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request line and headers are larger than the server accepts (16 KiB); shorten the URL or the headers']
        : [400, 'bad_request', 'The request is not valid HTTP'];
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Every route's methods by path pattern, so a known path asked with another method answers 405, not 404. */
export interface RouteMethods {
  /** The methods `path` (a concrete path without query string) is served with, empty when no route matches it. */
  allowed(path: string): string[];
}

const routeTables = new WeakMap<FastifyInstance, RouteMethods>();

/** Starts recording the routes of `app` (and every scope registered on it afterwards); one table per app. */
export function trackRouteMethods(app: FastifyInstance): RouteMethods {
  const existing = routeTables.get(app);
  if (existing) return existing;
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (route) => {
    // `:param` matches one segment, `*` the rest; everything else literally.
    const source = route.url
      .split(/(:[A-Za-z0-9_]+|\*)/)
      .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    routes.push({ pattern: new RegExp(`^${source}$`), methods: new Set([route.method].flat()) });
  });
  const table: RouteMethods = {
    allowed: (path) => [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => [...r.methods]))].sort(),
  };
  routeTables.set(app, table);
  return table;
}

/** The answer for a request no route took: 405 with `Allow` when the path exists for other methods, else 404. */
export function noRouteError(routes: RouteMethods, request: FastifyRequest, hint = ''): ApiError {
  const path = request.url.split('?')[0]!;
  const allowed = routes.allowed(path);
  if (allowed.length > 0 && !allowed.includes(request.method)) {
    return new ApiError(405, 'method_not_allowed', `${path} does not accept ${request.method}; it accepts ${allowed.join(', ')}`, undefined, { allow: allowed.join(', ') });
  }
  return new ApiError(404, 'not_found', `No route for ${request.method} ${path}${hint}`);
}

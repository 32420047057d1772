import type { FastifyError, FastifyInstance } from 'fastify';
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

/** Answers ApiErrors with their status and Fastify's own errors (bad JSON, body too large) in the same shape; anything else is a logged 500. */
export function installErrorHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(errorBody(error.code, error.message, error.details));
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const code = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body_too_large' : 'invalid_body';
      return reply.code(status).send(errorBody(code, error.message));
    }
    request.log.error({ err: error }, 'api request failed');
    return reply.code(500).send(errorBody('internal', 'Something went wrong on our side; the request can be retried'));
  });
}

import type { LogEntry } from '@temporalio/worker';
import pino from 'pino';

/** The pino level for each SDK log level. */
export const SDK_LOG_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The SDK's log meta as pino fields under `sdk`, with its errors serialized. The SDK nests an error in
 * its meta (`{ error, runId, workflowId, … }`), where pino's `err` serializer does not reach, and an
 * Error's own properties are not enumerable: logged as they are, errors print as `"error":{}`. The
 * error goes to `err` (type, message, stack, cause), where our other error lines keep theirs; any other
 * error in the meta is serialized in place.
 */
export function sdkLogFields(meta: LogEntry['meta']): { sdk: Record<string, unknown>; err?: unknown } {
  const sdk: Record<string, unknown> = {};
  let err: unknown;
  for (const [key, value] of Object.entries(meta ?? {})) {
    // Under `err` pino's own serializer (on by default) writes it out; elsewhere we serialize it here.
    if (key === 'error') err = value;
    else sdk[key] = value instanceof Error ? pino.stdSerializers.err(value) : value;
  }
  return err === undefined ? { sdk } : { sdk, err };
}

/** An SDK log entry's message, error messages and text fields in one string, to recognise a known failure. */
export function sdkLogText(entry: Pick<LogEntry, 'message' | 'meta'>): string {
  const parts = [entry.message];
  for (const value of Object.values(entry.meta ?? {})) {
    if (value instanceof Error) parts.push(value.message);
    else if (typeof value === 'string') parts.push(value);
  }
  return parts.join('\n');
}

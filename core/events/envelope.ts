import { z } from 'zod';
import { ID_PATTERN } from '../../workflows/shared';
import { ATS_EVENT_DATA, ATS_EVENT_TYPES, type AtsEventData, type AtsEventType } from './schemas';

export { ATS_EVENT_TYPES, type AtsEventType } from './schemas';

const idPart = z.string().regex(ID_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-"');

const envelopeShape = {
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(256),
  source: z.string().regex(/^ats\/[a-z0-9-]+\/[A-Za-z0-9._-]+$/, 'must look like ats/{provider}/{tenant}'),
  type: z.enum(ATS_EVENT_TYPES as [AtsEventType, ...AtsEventType[]]),
  time: z.iso.datetime({ offset: true }),
  subject: idPart.meta({ description: 'The application id; equals data.application.id' }),
  tenant: idPart,
  datacontenttype: z.literal('application/json').optional(),
};

const sourceEndsWithTenant = (e: { source: string; tenant: string }) => e.source.endsWith(`/${e.tenant}`);

/** The CloudEvents 1.0 structured-mode envelope of an inbound ATS event, with `data` not yet checked. */
export const AtsEventEnvelope = z
  .object({ ...envelopeShape, data: z.record(z.string(), z.unknown()) })
  .refine(sourceEndsWithTenant, { message: 'source must end with the tenant', path: ['source'] });

/** An envelope whose data has not been validated against its type yet. */
export type AtsEventEnvelope = z.infer<typeof AtsEventEnvelope>;

/** The full schema (envelope and typed data) of each event type; the JSON Schema files are generated from these. */
export const ATS_EVENT_SCHEMAS = Object.fromEntries(
  ATS_EVENT_TYPES.map((type) => [type, z.object({ ...envelopeShape, type: z.literal(type), data: ATS_EVENT_DATA[type] })]),
) as { [T in AtsEventType]: z.ZodObject<Omit<typeof envelopeShape, 'type'> & { type: z.ZodLiteral<T>; data: (typeof ATS_EVENT_DATA)[T] }> };

/** A validated inbound ATS event of type `T`: the envelope with its typed data. */
export type AtsEvent<T extends AtsEventType = AtsEventType> = T extends AtsEventType
  ? Omit<AtsEventEnvelope, 'type' | 'data'> & { type: T; data: AtsEventData<T> }
  : never;

/** Why an inbound message was rejected; the reason code goes into the DLQ headers and metric labels. */
export type RejectReason = 'not-json' | 'invalid-envelope' | 'unknown-type' | 'invalid-data' | 'invalid-key';

/** A rejection: a stable reason code and a detail naming the fields (never their values). */
export interface EnvelopeProblem {
  reason: RejectReason;
  detail: string;
}

const describe = (issues: z.core.$ZodIssue[], prefix = '') =>
  issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${i.message}`).join('; ');

/** The Kafka message key of an application's events: `{tenant}:{applicationId}`, so one application stays ordered. */
export const eventKey = (tenant: string, applicationId: string): string => `${tenant}:${applicationId}`;

/**
 * Parses raw Kafka bytes into a validated event (envelope, then the data of its type), or says why
 * not. When `key` is given it must be `{tenant}:{subject}`: a wrong key would put one application's
 * events on different partitions, and then nothing could keep them in order.
 */
export function parseAtsEvent(bytes: Buffer | null, key?: Buffer | string | null): { ok: true; event: AtsEvent } | { ok: false; problem: EnvelopeProblem } {
  let json: unknown;
  try {
    json = JSON.parse(bytes?.toString('utf8') ?? '');
  } catch (error) {
    return { ok: false, problem: { reason: 'not-json', detail: error instanceof Error ? error.message : 'not JSON' } };
  }
  const parsed = AtsEventEnvelope.safeParse(json);
  if (!parsed.success) {
    const typeIssue = parsed.error.issues.find((i) => i.path[0] === 'type' && typeof (json as { type?: unknown } | null)?.type === 'string');
    return { ok: false, problem: { reason: typeIssue ? 'unknown-type' : 'invalid-envelope', detail: describe(parsed.error.issues) } };
  }
  const envelope = parsed.data;
  const data = ATS_EVENT_DATA[envelope.type].safeParse(envelope.data);
  if (!data.success) return { ok: false, problem: { reason: 'invalid-data', detail: describe(data.error.issues, 'data') } };
  const applicationId = (data.data as { application?: { id: string } }).application?.id;
  if (applicationId !== undefined && applicationId !== envelope.subject) {
    return { ok: false, problem: { reason: 'invalid-data', detail: 'data.application.id: must equal subject' } };
  }
  if (key !== undefined && key !== null) {
    const expected = eventKey(envelope.tenant, envelope.subject);
    if (key.toString() !== expected) return { ok: false, problem: { reason: 'invalid-key', detail: `message key must be "{tenant}:{subject}" (${expected})` } };
  }
  return { ok: true, event: { ...envelope, data: data.data } as AtsEvent };
}

import { z } from 'zod';

/** Every ATS event type Candor understands (DESIGN.md, "Contracts"). */
export const ATS_EVENT_TYPES = [
  'ats.application.created',
  'ats.application.stage_changed',
  'ats.interview.scheduled',
  'ats.interview.rescheduled',
  'ats.interview.canceled',
  'ats.interview.completed',
  'ats.offer.extended',
  'ats.offer.accepted',
  'ats.offer.declined',
  'ats.application.rejected',
  'ats.application.withdrawn',
  'ats.application.hired',
  'ats.candidate.updated',
  'ats.candidate.erased',
] as const;

/** One of the ATS event types of the contract. */
export type AtsEventType = (typeof ATS_EVENT_TYPES)[number];

const idPart = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_" or "-"');

/** The CloudEvents 1.0 structured-mode envelope of an inbound ATS event. */
export const AtsEventEnvelope = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().min(1).max(256),
    source: z.string().regex(/^ats\/[a-z0-9-]+\/[A-Za-z0-9._-]+$/, 'must look like ats/{provider}/{tenant}'),
    type: z.enum(ATS_EVENT_TYPES),
    time: z.iso.datetime({ offset: true }),
    subject: idPart,
    tenant: idPart,
    datacontenttype: z.literal('application/json').optional(),
    data: z.record(z.string(), z.unknown()),
  })
  .refine((e) => e.source.endsWith(`/${e.tenant}`), { message: 'source must end with the tenant', path: ['source'] });

/** A validated inbound ATS event. */
export type AtsEventEnvelope = z.infer<typeof AtsEventEnvelope>;

/** Why an inbound message was rejected; the reason code goes into the DLQ headers and metrics labels. */
export interface EnvelopeProblem {
  reason: 'not-json' | 'invalid-envelope' | 'unknown-type';
  detail: string;
}

/** Parses raw Kafka bytes into a validated envelope, or says why not. */
export function parseAtsEvent(bytes: Buffer | null): { ok: true; event: AtsEventEnvelope } | { ok: false; problem: EnvelopeProblem } {
  let json: unknown;
  try {
    json = JSON.parse(bytes?.toString('utf8') ?? '');
  } catch (error) {
    return { ok: false, problem: { reason: 'not-json', detail: error instanceof Error ? error.message : 'not JSON' } };
  }
  const parsed = AtsEventEnvelope.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data };
  const typeIssue = parsed.error.issues.find((i) => i.path[0] === 'type' && typeof (json as { type?: unknown })?.type === 'string');
  const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, problem: { reason: typeIssue ? 'unknown-type' : 'invalid-envelope', detail } };
}

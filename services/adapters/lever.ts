import { createHash } from 'node:crypto';
import { compact, idOf, vendorEvent } from './common';
import { hexDigestEquals, hmacSha256Hex } from './signatures';
import { PayloadError, mapStage, type CandidateLink, type VendorAdapter } from './types';

/**
 * Lever webhooks: `{ triggeredAt, event, signature, token, data: { opportunityId, … } }`. Lever
 * signs `token + triggeredAt` (not the body) with the webhook's signature token: HMAC-SHA256, hex,
 * in the body's `signature`. The signature does not cover the body, so the route accepts a token
 * once per body and only while `triggeredAt` is fresh (`deliveryToken`), and the event id is a digest
 * of the token with what the body says (event, opportunity): a token cannot carry a second event.
 * The opportunity is Lever's application. Lever's payloads carry ids only, so events that need the
 * candidate's name (applicationCreated) are not mapped yet: that needs a Lever API lookup per tenant
 * (see README, "Webhooks").
 *
 * The board's link out to the application: Lever's API gives an opportunity `urls.show` of
 * `https://hire.lever.co/candidates/<opportunity id>` (the opportunity's page in Lever), so every mapped
 * event carries that URL, derived from the payload's `opportunityId` as Greenhouse's is from its ids.
 */

/** The opportunity's page in Lever (its `urls.show` in Lever's API). */
export function leverOpportunityUrl(opportunityId: string): string {
  return `https://hire.lever.co/candidates/${encodeURIComponent(opportunityId)}`;
}

interface LeverBody {
  triggeredAt?: unknown;
  event?: unknown;
  signature?: unknown;
  token?: unknown;
  data?: {
    opportunityId?: unknown;
    candidateId?: unknown;
    toStageId?: unknown;
    fromStageId?: unknown;
    toArchived?: { reason?: unknown; archivedAt?: unknown } | null;
  };
}

const parse = (rawBody: Buffer): LeverBody | undefined => {
  try {
    return JSON.parse(rawBody.toString('utf8')) as LeverBody;
  } catch {
    return undefined;
  }
};

export const lever: VendorAdapter = {
  provider: 'lever',
  verify({ rawBody }, secret) {
    const body = parse(rawBody);
    if (typeof body?.token !== 'string' || body.token.length === 0 || (typeof body.triggeredAt !== 'number' && typeof body.triggeredAt !== 'string') || typeof body.signature !== 'string') return false;
    return hexDigestEquals(body.signature, hmacSha256Hex(secret, `${body.token}${String(body.triggeredAt)}`));
  },
  deliveryToken({ rawBody }) {
    const body = parse(rawBody);
    const signedAt = Number(body?.triggeredAt);
    return typeof body?.token === 'string' && Number.isFinite(signedAt) ? { token: body.token, signedAt } : undefined;
  },
  map(raw, adapter) {
    const body = raw as LeverBody;
    const event = typeof body.event === 'string' ? body.event : undefined;
    const opportunityId = idOf(body.data?.opportunityId);
    if (!event || !opportunityId) throw new PayloadError('missing "event" or data.opportunityId');
    const triggeredAt = Number.isFinite(Number(body.triggeredAt)) ? new Date(Number(body.triggeredAt)).toISOString() : undefined;
    // One signed token, one event: a retry of the delivery keeps all four, a token moved onto another
    // event or opportunity would hash differently (and is refused before mapping as a reused token).
    const id = createHash('sha256').update(`${String(body.token)}\n${event}\n${opportunityId}\n${String(body.triggeredAt)}`).digest('hex').slice(0, 40);
    const application = { id: opportunityId, url: leverOpportunityUrl(opportunityId) };
    const candidateId = idOf(body.data?.candidateId);
    const links: CandidateLink[] = candidateId ? [{ candidateId, applicationId: opportunityId }] : [];
    switch (event) {
      case 'candidateStageChange': {
        const to = idOf(body.data?.toStageId);
        if (!to) throw new PayloadError('data.toStageId is missing');
        const from = idOf(body.data?.fromStageId);
        const stage = compact({ from: from ? mapStage(adapter.config, { id: from, name: from }) : undefined, to: mapStage(adapter.config, { id: to, name: to }) });
        return { events: [vendorEvent('lever', adapter.tenant, 'ats.application.stage_changed', id, opportunityId, { application, stage }, triggeredAt)], links };
      }
      case 'candidateArchiveChange': {
        const reason = idOf(body.data?.toArchived?.reason);
        if (!reason) return { ignored: 'unarchived' };
        const outcome = adapter.config.archiveReasons[reason] ?? 'rejected';
        const type = outcome === 'hired' ? 'ats.application.hired' : outcome === 'withdrawn' ? 'ats.application.withdrawn' : 'ats.application.rejected';
        return { events: [vendorEvent('lever', adapter.tenant, type, id, opportunityId, { application }, triggeredAt)], links };
      }
      case 'candidateHired':
        return { events: [vendorEvent('lever', adapter.tenant, 'ats.application.hired', id, opportunityId, { application }, triggeredAt)], links };
      case 'candidateDeleted':
        return {
          events: [vendorEvent('lever', adapter.tenant, 'ats.candidate.erased', id, opportunityId, { application: { id: opportunityId }, candidate: { id: candidateId ?? opportunityId } }, triggeredAt)],
          forget: candidateId ? [candidateId] : [],
        };
      default:
        return { ignored: `event ${event} is not mapped (Lever sends ids only; names need a Lever API lookup)` };
    }
  },
};

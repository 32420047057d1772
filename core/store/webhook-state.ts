import type { Queryable } from './database';
/** A candidate and one of their applications, as a vendor's webhook names them. */
interface CandidateLink {
  candidateId: string;
  applicationId: string;
}
/** The vendor (greenhouse, lever, ashby); the adapters own the list. */
type Provider = string;

/** What a delivery token's first use was: new, the same delivery again (a retry), or another body (a replay). */
export type TokenUse = 'new' | 'retry' | 'reused';

/**
 * Claims a signed delivery token for a body until `expiresAt` (when its signature turns stale anyway).
 * A token already claimed for the same body is a vendor retry; for another body, a replay.
 */
export async function claimDeliveryToken(
  db: Queryable,
  claim: { tenant: string; provider: Provider; token: string; bodyDigest: string; expiresAt: Date; now: Date },
): Promise<TokenUse> {
  await db.query('delete from webhook_tokens where tenant_id = $1 and provider = $2 and expires_at < $3', [claim.tenant, claim.provider, claim.now]);
  const inserted = await db.query(
    `insert into webhook_tokens (tenant_id, provider, token, body_digest, expires_at) values ($1, $2, $3, $4, $5)
     on conflict (tenant_id, provider, token) do nothing returning 1`,
    [claim.tenant, claim.provider, claim.token, claim.bodyDigest, claim.expiresAt],
  );
  if (inserted.rows.length > 0) return 'new';
  const { rows } = await db.query<{ body_digest: string }>('select body_digest from webhook_tokens where tenant_id = $1 and provider = $2 and token = $3', [claim.tenant, claim.provider, claim.token]);
  return rows[0]?.body_digest === claim.bodyDigest ? 'retry' : 'reused';
}

/** Gives a token back when its delivery could not be stored, so the vendor's retry is taken as new. */
export async function releaseDeliveryToken(db: Queryable, tenant: string, provider: Provider, token: string): Promise<void> {
  await db.query('delete from webhook_tokens where tenant_id = $1 and provider = $2 and token = $3', [tenant, provider, token]);
}

/** Remembers which applications belong to which candidate (ids only). */
export async function rememberCandidateLinks(db: Queryable, tenant: string, provider: Provider, links: CandidateLink[]): Promise<void> {
  for (const link of links) {
    await db.query(
      `insert into ats_candidate_applications (tenant_id, provider, candidate_id, application_id) values ($1, $2, $3, $4)
       on conflict (tenant_id, provider, candidate_id, application_id) do update set seen_at = now()`,
      [tenant, provider, link.candidateId, link.applicationId],
    );
  }
}

/** The application ids known for a candidate of this tenant and vendor, oldest first. */
export async function applicationsOfCandidate(db: Queryable, tenant: string, provider: Provider, candidateId: string): Promise<string[]> {
  const { rows } = await db.query<{ application_id: string }>(
    'select application_id from ats_candidate_applications where tenant_id = $1 and provider = $2 and candidate_id = $3 order by seen_at, application_id',
    [tenant, provider, candidateId],
  );
  return rows.map((r) => r.application_id);
}

/** Forgets an erased candidate's links. */
export async function forgetCandidate(db: Queryable, tenant: string, provider: Provider, candidateId: string): Promise<void> {
  await db.query('delete from ats_candidate_applications where tenant_id = $1 and provider = $2 and candidate_id = $3', [tenant, provider, candidateId]);
}

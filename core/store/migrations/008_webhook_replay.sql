-- ATS webhook state the adapters keep between deliveries.
--
-- Lever signs only `token + triggeredAt`, not the body, so a captured delivery's token and signature
-- could be put on another body. Each accepted token is remembered here with a digest of the body it
-- came with until its `triggeredAt` falls out of the freshness window (5 minutes, see README
-- "Webhooks"); after that the signature itself is refused as stale, so the row can go.
create table webhook_tokens (
  tenant_id    text not null references tenants(id) on delete cascade,
  provider     text not null,
  token        text not null,
  body_digest  text not null,
  expires_at   timestamptz not null,
  received_at  timestamptz not null default now(),
  primary key (tenant_id, provider, token)
);
create index webhook_tokens_expiry on webhook_tokens (tenant_id, provider, expires_at);

-- Which applications belong to which ATS candidate, learnt from the deliveries that carry both ids.
-- Greenhouse's "candidate updated" and "candidate anonymized" name only the candidate, so this is how
-- their update or erasure reaches each of the candidate's journeys. Ids only, no personal data; the
-- rows of an erased candidate are deleted with the erasure.
create table ats_candidate_applications (
  tenant_id       text not null references tenants(id) on delete cascade,
  provider        text not null,
  candidate_id    text not null,
  application_id  text not null,
  seen_at         timestamptz not null default now(),
  primary key (tenant_id, provider, candidate_id, application_id)
);

-- ATS webhook adapters: per tenant and vendor, the shared signing secret and how the vendor's stages
-- map to Candor's categories. The secret must be readable to verify HMAC signatures, so it is stored
-- as given; the webhook URL carries the tenant, the secret proves the vendor.
create table ats_adapters (
  tenant_id   text not null references tenants(id) on delete cascade,
  provider    text not null check (provider in ('greenhouse', 'lever', 'ashby')),
  secret      text not null check (length(secret) >= 16),
  config      jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, provider)
);

-- Tenants: one recruiting organisation each. API keys are stored as SHA-256 hashes of
-- high-entropy random keys, so a leaked database does not leak usable keys.
create table tenants (
  id          text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name        text not null,
  created_at  timestamptz not null default now()
);

create table api_keys (
  id          text primary key,
  tenant_id   text not null references tenants(id) on delete cascade,
  key_hash    text not null unique,
  key_prefix  text not null,
  label       text not null default '',
  created_at  timestamptz not null default now(),
  revoked_at  timestamptz
);

create index api_keys_tenant on api_keys (tenant_id);

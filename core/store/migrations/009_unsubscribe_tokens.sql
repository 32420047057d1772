-- Unsubscribe links carry an opaque random token (256 bits, base64url); the store keeps only its SHA-256, so
-- neither the link nor this table names the candidate. The token points at the e-mail it came in (tenant,
-- application, message id, channel); the address to opt out is read from that message's ledger row when the
-- link is used. A token expires 90 days after the e-mail was rendered (expires_at) and can be revoked.
create table unsubscribe_tokens (
  token_sha256    text primary key,
  tenant_id       text not null,
  application_id  text not null,
  message_id      text not null,
  channel         text not null check (channel in ('email', 'sms')),
  created_at      timestamptz not null default now(),
  expires_at      timestamptz not null,
  revoked_at      timestamptz,
  used_at         timestamptz
);
create index unsubscribe_tokens_application on unsubscribe_tokens (tenant_id, application_id);
create index unsubscribe_tokens_expiry on unsubscribe_tokens (expires_at);

-- Links sent before this migration are signed (HMAC) and carry the address itself. They are still honoured,
-- for 90 days from this upgrade (every one of them is older than the upgrade), then answered as expired.
alter table signing_keys add column retire_at timestamptz;
update signing_keys set retire_at = now() + interval '90 days' where name = 'unsubscribe';

-- Applications whose candidate was erased: ids only. The store's personal data for them is deleted at once;
-- histories_deleted_at records when every run of the journey's Temporal history was deleted too.
create table erased_applications (
  tenant_id             text not null,
  application_id        text not null,
  erased_at             timestamptz not null default now(),
  histories_deleted_at  timestamptz,
  primary key (tenant_id, application_id)
);

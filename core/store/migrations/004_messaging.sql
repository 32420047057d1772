-- The message ledger: one row per message id and channel (a message that falls back to the other channel
-- keeps its id, so it gets a second row). The delivery activity reads it before calling a provider, so a
-- retried or replayed activity never sends twice.
create table message_ledger (
  message_id          text not null,
  channel             text not null check (channel in ('email', 'sms')),
  tenant_id           text not null,
  application_id      text not null,
  template            text not null,
  locale              text not null,
  recipient           text not null,
  provider            text not null,
  -- pending: about to call (or calling) the provider; accepted: the provider took it; delivered/failed: final word.
  status              text not null check (status in ('pending', 'accepted', 'delivered', 'failed')),
  provider_message_id text,
  attempts            integer not null default 0,
  segments            integer,
  failure_type        text,
  failure_reason      text,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  primary key (message_id, channel)
);
create index message_ledger_application on message_ledger (tenant_id, application_id, created_at);
create index message_ledger_provider_id on message_ledger (provider, provider_message_id);
create index message_ledger_recipient on message_ledger (channel, recipient, created_at);

-- Per-tenant opt-outs per channel and contact (E.164 phone or lower-cased e-mail). Checked at send time,
-- so an opt-out takes effect for the very next message, including one already scheduled.
create table consent_opt_outs (
  tenant_id      text not null,
  channel        text not null check (channel in ('email', 'sms')),
  contact        text not null,
  source         text not null,
  opted_out_at   timestamptz not null default now(),
  primary key (tenant_id, channel, contact)
);

-- What candidates wrote back (free text), so a recruiter can read it; keyed by the provider's id so a
-- redelivered webhook is stored once.
create table inbound_messages (
  provider_message_id text primary key,
  tenant_id           text not null,
  application_id      text not null,
  channel             text not null check (channel in ('email', 'sms')),
  body                text not null,
  keyword             text,
  received_at         timestamptz not null default now()
);
create index inbound_messages_application on inbound_messages (tenant_id, application_id, received_at);

-- Random keys Candor generates for itself (the unsubscribe-link signing key), shared by every role.
create table signing_keys (
  name        text primary key,
  secret      text not null,
  created_at  timestamptz not null default now()
);

-- The sandbox records e-mail as the candidate would see it: the HTML part and the headers as well.
alter table outbox add column html text;
alter table outbox add column headers text;

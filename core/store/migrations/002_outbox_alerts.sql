-- Messages as the candidate received them from the sandbox provider (the default when no Twilio or
-- SendGrid credentials are set), one row per message id and channel, so a retried send is recorded once.
create table outbox (
  message_id      text not null,
  tenant_id       text not null,
  application_id  text not null,
  channel         text not null check (channel in ('email', 'sms')),
  recipient       text not null,
  locale          text not null,
  template        text not null,
  subject         text,
  body            text not null,
  sent_at         timestamptz not null default now(),
  -- A message that fell back to the other channel keeps its id: one row per id and channel.
  primary key (message_id, channel)
);
create index outbox_application on outbox (tenant_id, application_id, sent_at);

-- Recruiter alerts raised by journeys (a candidate waiting too long, every channel failing).
create table recruiter_alerts (
  alert_id        text primary key,
  tenant_id       text not null,
  application_id  text not null,
  reason          text not null,
  message_id      text,
  days            integer,
  raised_at       timestamptz not null default now(),
  acknowledged_at timestamptz
);
create index recruiter_alerts_open on recruiter_alerts (tenant_id, raised_at) where acknowledged_at is null;

-- Who and what an application is about, for the recruiters' board: the candidate's display name, the job title,
-- the recruiter named on the application (name, e-mail, language) and the application's page in the ATS. Personal
-- data, so the store holds it sealed (AES-256-GCM under the key ring of the workflow payloads, core/store/secrets.ts;
-- the tenant and application are authenticated with it), written by the ingest role as ATS events arrive and
-- opened only by the api role for an authenticated tenant. Search works on keyed hashes (HMAC-SHA256 under keys
-- derived from the same ring) of the lower-cased words of the name and job title and of their prefixes: the
-- database can match a search term without holding the term. `digest` (a keyed hash of the whole content) lets a
-- repeated event skip the write. Erasure deletes the row.
create table application_people (
  tenant_id       text not null,
  application_id  text not null,
  sealed          text not null,
  search_tokens   text[] not null default '{}',
  digest          text not null,
  updated_at      timestamptz not null default now(),
  primary key (tenant_id, application_id)
);
create index application_people_search on application_people using gin (search_tokens);

-- Alerts that reach a person: each alert is acknowledged (someone is on it) and then resolved, or escalated to the
-- tenant's fallback address when still unresolved after the tenant's escalation time.
alter table recruiter_alerts add column resolved_at timestamptz;
alter table recruiter_alerts add column escalated_at timestamptz;
create index recruiter_alerts_unresolved on recruiter_alerts (raised_at) where resolved_at is null and escalated_at is null;

-- How a tenant's alerts are delivered: at once or as a daily digest (at digest_hour UTC), an optional
-- Slack-compatible incoming webhook (sealed like the names above: the URL is a credential), and the fallback
-- address an unresolved alert escalates to after escalate_after_minutes.
create table tenant_alert_settings (
  tenant_id              text primary key,
  delivery               text not null default 'immediate' check (delivery in ('immediate', 'digest')),
  digest_hour            integer not null default 8 check (digest_hour between 0 and 23),
  slack_webhook_sealed   text,
  fallback_email         text,
  escalate_after_minutes integer check (escalate_after_minutes is null or escalate_after_minutes between 5 and 43200),
  updated_at             timestamptz not null default now()
);

-- Every alert notification sent (e-mail, Slack post, digest, escalation), keyed by an id derived from what it is
-- about, claimed before the provider is called: like the message ledger, a retry or a second sweeper finds the
-- claim and sends nothing.
create table alert_notifications (
  notification_id text primary key,
  tenant_id       text not null,
  kind            text not null check (kind in ('email', 'slack', 'digest', 'escalation')),
  alert_ids       text[] not null,
  status          text not null default 'claimed' check (status in ('claimed', 'sent', 'failed')),
  claimed_at      timestamptz not null default now(),
  sent_at         timestamptz,
  error           text
);

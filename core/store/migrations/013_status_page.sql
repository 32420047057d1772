-- The candidate's status page (services/status-page). Every message that links it ({{ statusUrl }}) gets a
-- token of its own: 256 random bits (base64url) in the link, only their SHA-256 here, like unsubscribe tokens,
-- so neither the link nor this table names the candidate. A token expires STATUS_TOKEN_DAYS after its message
-- was rendered and can be revoked (all of an application's at once); erasure deletes them.
create table status_tokens (
  token_sha256    text primary key,
  tenant_id       text not null,
  application_id  text not null,
  message_id      text not null,
  created_at      timestamptz not null default now(),
  expires_at      timestamptz not null,
  revoked_at      timestamptz
);
create index status_tokens_application on status_tokens (tenant_id, application_id);
create index status_tokens_expiry on status_tokens (expires_at);

-- What the page shows that the board may not keep: the job and the recruiter as the last rendered message named
-- them, and the candidate's language and time zone (a completed journey's board row drops those). One row per
-- application, written with each token; erasure deletes it.
create table status_pages (
  tenant_id       text not null,
  application_id  text not null,
  job_id          text,
  job_title       text,
  recruiter_name  text,
  locale          text not null,
  time_zone       text not null,
  updated_at      timestamptz not null default now(),
  primary key (tenant_id, application_id)
);

-- The candidate's verdict on the process, asked once on the status page after the journey closed: a score of
-- 1-5 and an optional comment (erasure removes the comment and keeps the score). Grouped by the journey version
-- the application ran and by job for the recruiters' read-out.
create table candidate_surveys (
  tenant_id           text not null,
  application_id      text not null,
  journey_id          text not null,
  definition_version  text not null,
  job_id              text,
  outcome             text,
  score               smallint not null check (score between 1 and 5),
  comment             text,
  answered_at         timestamptz not null default now(),
  primary key (tenant_id, application_id)
);
create index candidate_surveys_version on candidate_surveys (tenant_id, definition_version);
create index candidate_surveys_job on candidate_surveys (tenant_id, job_id);

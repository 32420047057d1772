-- Replies that reach a person (README "Questions from candidates"): a candidate's SMS or e-mail reply that is no
-- keyword, or a question from the status page, waits here for the recruiter, and so does the answer. The texts
-- are personal data: they live only in this table (never in workflow histories, journey events or logs), and
-- erasure deletes the application's rows. `source_ref` (the provider's message id, or the page post's key) makes a
-- redelivered webhook or a repeated post one question. `answer_by` is when the journey alerts the recruiter.
create table candidate_questions (
  tenant_id        text not null,
  question_id      text not null,
  application_id   text not null,
  source           text not null check (source in ('email', 'sms', 'page')),
  source_ref       text not null,
  body             text not null,
  asked_at         timestamptz not null default now(),
  answer_by        timestamptz not null,
  recruiter_name   text,
  recruiter_notified_at timestamptz,
  answer           text,
  answered_by      text,
  answered_at      timestamptz,
  primary key (tenant_id, question_id),
  unique (tenant_id, source, source_ref)
);
create index candidate_questions_application on candidate_questions (tenant_id, application_id, asked_at);
create index candidate_questions_open on candidate_questions (tenant_id, asked_at) where answered_at is null;

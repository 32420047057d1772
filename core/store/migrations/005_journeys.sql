-- Recruiter-configured journeys, per tenant. A journey has at most one draft (validated when saved) and
-- a numbered, immutable list of published versions. The id is the definition's `id`; a tenant that
-- publishes a journey with a shipped default's id (e.g. default-en) overrides that default for itself.
create table journeys (
  tenant_id         text not null references tenants(id) on delete cascade,
  journey_id        text not null,
  draft             jsonb,
  draft_source      text,
  draft_updated_at  timestamptz,
  created_at        timestamptz not null default now(),
  primary key (tenant_id, journey_id)
);

create table journey_versions (
  tenant_id     text not null,
  journey_id    text not null,
  version       integer not null check (version >= 1),
  definition    jsonb not null,
  source        text,
  published_at  timestamptz not null default now(),
  primary key (tenant_id, journey_id, version),
  foreign key (tenant_id, journey_id) references journeys(tenant_id, journey_id) on delete cascade
);

-- Which journey new applications follow: per job, or the tenant's default (job_id '*').
create table journey_assignments (
  tenant_id   text not null references tenants(id) on delete cascade,
  job_id      text not null,
  journey_id  text not null,
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, job_id),
  foreign key (tenant_id, journey_id) references journeys(tenant_id, journey_id) on delete cascade
);

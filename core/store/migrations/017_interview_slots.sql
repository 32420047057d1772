-- Interviews on the candidate's terms (README "Candidate status page"): interview slots offered by the ATS event
-- `ats.interview.slots_offered` or by a recruiter through the API, the candidate's choice of one on the status page,
-- a request for another time with a note, accessibility needs for the recruiter only, and a withdrawal.
--
-- A slot is a tenant's (the same slot id offered to several applications is one slot); `interview_slot_offers` says
-- to whom it was offered, for which interview. `interview_slot_bookings` holds the one candidate who chose it: its
-- primary key (tenant_id, slot_id) makes a slot bookable once, so two candidates racing for it cannot both win (the
-- loser's insert finds the row and changes nothing); its unique (tenant_id, application_id, interview_id) keeps one
-- slot per interview of an application (moving to another slot deletes the old booking in the same transaction).
--
-- The candidate's words are personal data: a reschedule note and accessibility needs are stored sealed (AES-256-GCM
-- under the key ring of the workflow payloads, bound to tenant and application, core/store/secrets.ts), shown only to
-- the recruiters of the tenant, never in workflow histories, journey events or logs; erasure deletes every row here.
create table interview_slots (
  tenant_id   text not null,
  slot_id     text not null,
  starts_at   timestamptz not null,
  ends_at     timestamptz not null,
  location    text,
  link        text,
  offered_by  text not null check (offered_by in ('ats', 'recruiter')),
  created_at  timestamptz not null default now(),
  primary key (tenant_id, slot_id),
  check (ends_at > starts_at)
);

create table interview_slot_offers (
  tenant_id       text not null,
  application_id  text not null,
  interview_id    text not null,
  slot_id         text not null,
  offered_at      timestamptz not null default now(),
  primary key (tenant_id, application_id, slot_id),
  foreign key (tenant_id, slot_id) references interview_slots (tenant_id, slot_id) on delete cascade
);
create index interview_slot_offers_slot on interview_slot_offers (tenant_id, slot_id);

create table interview_slot_bookings (
  tenant_id       text not null,
  slot_id         text not null,
  application_id  text not null,
  interview_id    text not null,
  booked_at       timestamptz not null default now(),
  primary key (tenant_id, slot_id),
  unique (tenant_id, application_id, interview_id),
  foreign key (tenant_id, slot_id) references interview_slots (tenant_id, slot_id) on delete cascade
);

-- A request for another time (the note sealed), once per (application, request key): a repeated post is one request.
create table interview_requests (
  tenant_id       text not null,
  request_id      text not null,
  application_id  text not null,
  interview_id    text not null,
  request_key     text not null,
  note_sealed     text,
  requested_at    timestamptz not null default now(),
  primary key (tenant_id, request_id),
  unique (tenant_id, application_id, request_key)
);
create index interview_requests_application on interview_requests (tenant_id, application_id, requested_at);

-- What the candidate needs to take part on equal terms (step-free access, a sign-language interpreter, extra time):
-- one sealed text per application, for the recruiter only.
create table candidate_accessibility_needs (
  tenant_id       text not null,
  application_id  text not null,
  sealed          text not null,
  updated_at      timestamptz not null default now(),
  primary key (tenant_id, application_id)
);

-- The candidate withdrew on the status page: once per application (a second post finds the row; the journey is told again,
-- which changes nothing once it is closing).
create table candidate_withdrawals (
  tenant_id       text not null,
  application_id  text not null,
  withdrawn_at    timestamptz not null default now(),
  primary key (tenant_id, application_id)
);

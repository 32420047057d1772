-- The recruiters' candidates board: one row per journey, written by the journey itself (a local activity
-- after each decision that changed what the board shows) and read by GET /api/v1/applications and by
-- publishing. No personal data: ids, stage, times, template names; a completed journey keeps only ids,
-- stage and outcome. `seq` grows with every write of one journey (carried across continueAsNew), and a
-- write only lands when its seq is higher, so a retried or late write never moves a row backwards.
create table journey_board (
  tenant_id              text not null,
  application_id         text not null,
  -- The journey (definition id) it follows and the exact version, e.g. default-sv and default-sv@v2.
  journey_id             text not null,
  definition_version     text not null,
  status                 text not null check (status in ('open', 'closing', 'completed')),
  outcome                text,
  stage                  text not null,
  paused                 boolean not null default false,
  time_zone              text,
  locale                 text,
  started_at             timestamptz,
  -- When the candidate last heard from us (or applied).
  waiting_since          timestamptz not null,
  last_message_template  text,
  last_message_channel   text,
  last_message_at        timestamptz,
  next_message_template  text,
  next_message_at        timestamptz,
  seq                    bigint not null,
  updated_at             timestamptz not null default now(),
  primary key (tenant_id, application_id)
);
-- The board: a tenant's open journeys, longest waiting first (and keyset paging on the same order).
create index journey_board_waiting on journey_board (tenant_id, waiting_since, application_id) where status <> 'completed';
-- The board filtered by stage, in the same order.
create index journey_board_stage on journey_board (tenant_id, stage, waiting_since, application_id) where status <> 'completed';
-- Publishing: a tenant's open journeys on one journey.
create index journey_board_journey on journey_board (tenant_id, journey_id) where status <> 'completed';

-- The board's SLA column and filter look up open alerts per application.
create index recruiter_alerts_open_application on recruiter_alerts (tenant_id, application_id) where acknowledged_at is null;

-- Status and timeline served from the store (GET /api/v1/applications/{id}) instead of workflow queries,
-- which replay a journey the worker no longer caches. Both are written by the journey itself in the same
-- local activity as its board row (core/store/board.ts projectJourney), in one statement.
--
-- `detail`: the journey's status as its status query gives it (less tenant and application id), written with
-- the row under the row's seq rule. Null for rows written by older code; the API then asks the workflow.
-- A completed journey's detail keeps no time zone, locale or message times, like the rest of its row.
alter table journey_board add column detail jsonb;

-- The journey's timeline, one row per entry, numbered from 0 over the journey's whole life (across
-- continueAsNew). A retried write repeats numbers: the first write of a number stays (on conflict do nothing).
-- No personal data (event types, stages, template names, times); erasure deletes an application's rows.
create table journey_timeline (
  tenant_id       text not null,
  application_id  text not null,
  n               integer not null check (n >= 0),
  entry           jsonb not null,
  primary key (tenant_id, application_id, n)
);

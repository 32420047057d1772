-- One send attempt at a time per message and channel: the attempt that wrote or took over the pending row holds it
-- until claimed_until (a lease), and another attempt that finds it held waits instead of calling the provider.
alter table message_ledger add column claim_id text;
alter table message_ledger add column claimed_until timestamptz;

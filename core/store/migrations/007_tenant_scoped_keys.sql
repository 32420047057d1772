-- Tenant-scoped keys. Message ids (`{applicationId}:{template}:{seq}`), alert ids and provider reply ids are
-- unique only inside one tenant: ATS application ids are unique per ATS account, not across Candor's
-- customers. Every key that identifies a message, a reply or an alert therefore starts with the tenant, so
-- two tenants with the same application id never share (or find each other's) ledger, outbox or alert rows.
-- The rows stay where they are: each was unique by the old key, so it is unique by the wider one too.
alter table message_ledger drop constraint message_ledger_pkey;
alter table message_ledger add primary key (tenant_id, message_id, channel);

alter table outbox drop constraint outbox_pkey;
alter table outbox add primary key (tenant_id, message_id, channel);

alter table recruiter_alerts drop constraint recruiter_alerts_pkey;
alter table recruiter_alerts add primary key (tenant_id, alert_id);

alter table inbound_messages drop constraint inbound_messages_pkey;
alter table inbound_messages add primary key (tenant_id, provider_message_id);

-- Status webhooks find a message by the provider's id; the tenant narrows it when the callback names one.
drop index message_ledger_provider_id;
create index message_ledger_provider_id on message_ledger (provider, provider_message_id, tenant_id);

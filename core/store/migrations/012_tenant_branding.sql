-- Tenant branding: what candidates read as the company (display name, optional logo and accent colour)
-- and the domain the tenant has authenticated with the e-mail provider (its sending domain). All are
-- optional: a tenant without them writes as its name, in Candor's colours, from Candor's address.
alter table tenants add column display_name text
  check (display_name is null or (length(display_name) between 1 and 100 and display_name !~ '[[:cntrl:]]'));
alter table tenants add column logo_url text check (logo_url is null or logo_url ~ '^https://');
alter table tenants add column accent_colour text check (accent_colour is null or accent_colour ~ '^#[0-9a-f]{6}$');
alter table tenants add column sending_domain text
  check (sending_domain is null or sending_domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$');

-- The outbox records who an e-mail came from and where a reply goes, as the provider would send them.
alter table outbox add column sender text;
alter table outbox add column reply_to text;

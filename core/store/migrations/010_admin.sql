-- The admin surface. ATS webhook secrets are sealed at rest (AES-256-GCM under CANDOR_ENCRYPTION_KEYS,
-- core/store/secrets.ts): `secret_sealed` holds `v1:<key id>:<base64>`. SQL cannot reach the keys,
-- so rows stored before this migration keep their secret in `secret_plaintext`, which marks them;
-- every Candor process seals such rows when it starts (sealAtsAdapterSecrets) and then clears the
-- plaintext, and the webhook path reads either form until then. Exactly one of the two is set.
alter table ats_adapters rename column secret to secret_plaintext;
alter table ats_adapters drop constraint if exists ats_adapters_secret_check;
alter table ats_adapters alter column secret_plaintext drop not null;
alter table ats_adapters add column secret_sealed text;
alter table ats_adapters add constraint ats_adapters_one_secret
  check ((secret_plaintext is null) <> (secret_sealed is null));
alter table ats_adapters add constraint ats_adapters_plaintext_length
  check (secret_plaintext is null or length(secret_plaintext) >= 16);

-- A rotated key names the key that replaced it, so a key list reads as a history.
alter table api_keys add column replaced_by text references api_keys(id);

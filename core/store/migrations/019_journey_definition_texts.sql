-- Journey definitions by the SHA-256 digest of their JSON text. A journey's start input names its definition by digest
-- instead of carrying its text (about 17 KiB) in Temporal's history; a worker reads the text back from here (README:
-- "Journey definitions by reference"). A row is never changed (its digest is its content) and must not be deleted while
-- a Temporal history may name it. Definitions hold no personal data.
create table if not exists journey_definition_texts (
  digest text primary key,
  text text not null,
  stored_at timestamptz not null default now()
);

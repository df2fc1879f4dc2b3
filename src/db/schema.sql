-- tide's metadata table (one row per migration) and its append-only history, created by
-- History::ensure in one transaction. Embedded into the binary at build time
-- (cmake/EmbedText.cmake); src/db/schema.cpp fills in the names in braces: the quoted table
-- names, and the CHECK list of states from the one State enum (include/tide/state.hpp).
-- Changing a statement changes what existing databases were created with: keep it additive.
CREATE TABLE {table} (
  version          text PRIMARY KEY,
  name             text NOT NULL,
  checksum         text NOT NULL,
  state            text NOT NULL CHECK (state IN
                     ({states})),
  backfill_section integer NOT NULL DEFAULT 0,
  backfill_last_key text,
  backfill_rows    bigint NOT NULL DEFAULT 0,
  expanded_at      timestamptz,
  expand_ms        bigint,
  contracted_at    timestamptz,
  contract_ms      bigint,
  failed_from      text,
  error            text,
  applied_by       text NOT NULL DEFAULT current_user,
  client_host      text,
  tool_version     text,
  updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE {history_table} (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  version      text NOT NULL,
  name         text NOT NULL,
  action       text NOT NULL,
  state_before text NOT NULL,
  state_after  text NOT NULL,
  duration_ms  bigint,
  db_user      text NOT NULL DEFAULT current_user,
  client_host  text,
  tool_version text,
  detail       text
);

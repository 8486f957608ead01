-- 0001: the schemas of DESIGN.md and the bookkeeping of replaceable objects.
-- Runs as the database owner (not a superuser), as on managed PostgreSQL.

CREATE SCHEMA IF NOT EXISTS internal;
COMMENT ON SCHEMA internal IS 'Helpers, trigger functions and bookkeeping: nobody but the owner.';
CREATE SCHEMA IF NOT EXISTS venue;
COMMENT ON SCHEMA venue IS 'Source facts of each organization: venues, events, customers, bookings, payments, check-ins, feedback, staff.';
CREATE SCHEMA IF NOT EXISTS reporting;
COMMENT ON SCHEMA reporting IS 'The reporting engine''s tables and materialised views (names as in seed 001).';
CREATE SCHEMA IF NOT EXISTS api;
COMMENT ON SCHEMA api IS 'The callable surface: functions and security_invoker views, granted per role.';
CREATE SCHEMA IF NOT EXISTS audit;
COMMENT ON SCHEMA audit IS 'The append-only audit log.';

REVOKE ALL ON SCHEMA internal, venue, reporting, api, audit FROM PUBLIC;

-- Functions are created without EXECUTE for PUBLIC; each db/ file grants explicitly.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- The seed's examples run verbatim in psql: SELECT process_daily_aggregations(...).
DO $do$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET search_path = "$user", public, reporting, api',
                 current_database());
END
$do$;

CREATE TABLE internal.applied_objects (
  path        text PRIMARY KEY,
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  applied_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE internal.applied_objects IS
  'One row per file under db/ (functions, views, policies, cron): the checksum last applied, so `nightcap migrate` re-applies only what changed. A migration that drops a replaceable object deletes its row here so the object is re-created.';

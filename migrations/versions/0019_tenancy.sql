-- 0019: tenancy. The roles every grant and policy names, the table that maps
-- users to organizations and roles, the audit log, and the retention period.
--
-- Roles are the cluster's, not this database's: created when missing, which
-- needs CREATEROLE (the owner role `nightcap db up` makes has it, as has
-- Supabase's postgres). Without it the migration stops and names the roles a
-- superuser must create. What each role may do is in db/policies/ and in the
-- GRANTs of each api function; docs/security.md has the whole picture.
-- Supabase's roles (authenticated, service_role) are NOINHERIT, so they get
-- copies of these roles' privileges (internal.mirror_client_grants), not
-- membership in them.
--
--   nightcap_owner     NOLOGIN; owns every object of nightcap's schemas. The
--                      migrating role is a member, so a DBA signed in as it
--                      acts as the system (the policies name the owner).
--   nightcap_admin     sees and changes its organizations' configuration
--   nightcap_manager   reads its organizations' operational and report data
--   nightcap_staff     reads its own staff and shift rows
--   nightcap_auditor   reads history and the audit log of its organizations
--   nightcap_renderer  the daemon: EXECUTE on the api functions it calls, nothing else
DO $roles$
DECLARE
  r text;
  may_create boolean := (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user);
  missing text[] := ARRAY(
    SELECT x FROM unnest(ARRAY['nightcap_owner', 'nightcap_admin', 'nightcap_manager', 'nightcap_staff',
                               'nightcap_auditor', 'nightcap_renderer']) AS x
     WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = x));
BEGIN
  IF missing <> '{}' AND NOT may_create THEN
    RAISE EXCEPTION 'nightcap needs the roles % and % may not create roles', missing, current_user
      USING ERRCODE = 'insufficient_privilege',
            HINT = format('As a superuser: CREATE ROLE <name> NOLOGIN for each, then GRANT nightcap_owner TO %I; '
                          'or ALTER ROLE %I CREATEROLE.', current_user, current_user);
  END IF;
  FOREACH r IN ARRAY missing LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;  -- another database's migration made it a moment ago
    END;
  END LOOP;

  IF NOT pg_has_role(current_user, 'nightcap_owner', 'MEMBER') THEN
    EXECUTE format('GRANT nightcap_owner TO %I', current_user);
  END IF;
  -- And the DBA may SET ROLE to any client role, to see what it sees.
  FOREACH r IN ARRAY ARRAY['nightcap_admin', 'nightcap_manager', 'nightcap_staff', 'nightcap_auditor',
                           'nightcap_renderer'] LOOP
    IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
      EXECUTE format('GRANT %I TO %I', r, current_user);
    END IF;
  END LOOP;
  -- The owner of a schema must be able to create in the database.
  EXECUTE format('GRANT CREATE, CONNECT ON DATABASE %I TO nightcap_owner', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO nightcap_admin, nightcap_manager, nightcap_staff, '
                 'nightcap_auditor, nightcap_renderer', current_database());

END
$roles$;

-- Nothing new is executable by PUBLIC: each function file grants what it means.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

REVOKE ALL ON SCHEMA venue, reporting, api, internal, audit FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor, nightcap_renderer;
GRANT USAGE ON SCHEMA venue, reporting, audit TO nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor;
-- Policies call the RLS helpers as the querying role: the schema is usable,
-- and only those helpers are executable (db/functions/internal/*).
GRANT USAGE ON SCHEMA internal TO nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor;

-- Supabase's identity helpers, where Supabase is absent, defined as Supabase
-- defines them, so the same policies work on both.
DO $auth$
BEGIN
  IF to_regnamespace('auth') IS NOT NULL THEN
    RAISE NOTICE 'schema auth exists (Supabase): its auth.uid() is used as it is';
    RETURN;
  END IF;
  CREATE SCHEMA auth;
  COMMENT ON SCHEMA auth IS
    'Supabase''s identity helpers, made by nightcap where Supabase is absent (same definitions).';
  CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $fn$
    SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                    nullif(current_setting('request.jwt.claims', true), ''))::jsonb
  $fn$;
  CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$
    SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
  $fn$;
  CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $fn$
    SELECT coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
  $fn$;
  COMMENT ON FUNCTION auth.jwt() IS 'The request''s JWT claims (PostgREST''s request.jwt.claims), as Supabase''s auth.jwt().';
  COMMENT ON FUNCTION auth.uid() IS 'The JWT subject as a uuid, as Supabase''s auth.uid().';
  COMMENT ON FUNCTION auth.role() IS 'The JWT role claim, as Supabase''s auth.role().';
  REVOKE ALL ON SCHEMA auth FROM PUBLIC;
  REVOKE ALL ON FUNCTION auth.jwt(), auth.uid(), auth.role() FROM PUBLIC;
  GRANT USAGE ON SCHEMA auth TO nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor;
  GRANT EXECUTE ON FUNCTION auth.jwt(), auth.uid(), auth.role()
    TO nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor;
END
$auth$;

CREATE TABLE venue.memberships (
  organization_id uuid NOT NULL REFERENCES venue.organizations (organization_id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  role            text NOT NULL,
  display_name    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL DEFAULT session_user,
  PRIMARY KEY (organization_id, user_id),
  CONSTRAINT memberships_role_known CHECK (role IN ('admin', 'manager', 'staff', 'auditor'))
);
COMMENT ON TABLE venue.memberships IS
  'Who may act for an organization, and as what: one role per user and organization. The user id is '
  'Supabase''s auth.uid() (the JWT subject) or the nightcap.user_id a trusted client sets per transaction.';
COMMENT ON CONSTRAINT memberships_role_known ON venue.memberships IS
  'The roles the policies know: admin, manager, staff, auditor. Anything else would silently grant nothing.';
CREATE INDEX memberships_user_idx ON venue.memberships (user_id, role) INCLUDE (organization_id);

ALTER TABLE venue.organizations
  ADD COLUMN retention_days integer NOT NULL DEFAULT 90,
  ADD CONSTRAINT organizations_retention_days_range CHECK (retention_days BETWEEN 1 AND 3650);
COMMENT ON COLUMN venue.organizations.retention_days IS
  'How long report files, snapshots and delivery-level personal data are kept (days; 90 by default, seed 001).';
COMMENT ON CONSTRAINT organizations_retention_days_range ON venue.organizations IS
  'At least a day (a report must live long enough to be delivered), at most ten years.';

CREATE TABLE audit.events (
  event_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid,
  occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor           text NOT NULL,
  actor_user_id   uuid,
  database_role   text NOT NULL DEFAULT session_user,
  event           text NOT NULL,
  object_type     text NOT NULL,
  object_id       text,
  before          jsonb,
  after           jsonb,
  details         jsonb NOT NULL DEFAULT '{}',
  CONSTRAINT events_event_name CHECK (event ~ '^[a-z_]+\.[a-z_]+$')
);
COMMENT ON TABLE audit.events IS
  'The append-only audit log: who (actor, their user id and database role), what (event in seed 003''s '
  'names, the object, its before and after), when. Neither UPDATE nor DELETE nor TRUNCATE can change it.';
COMMENT ON CONSTRAINT events_event_name ON audit.events IS
  'Event names are object.action in lower case, as seed 003 writes them (scheduled_report.created).';
CREATE INDEX events_organization_idx ON audit.events (organization_id, occurred_at);
CREATE INDEX events_event_idx ON audit.events (event, occurred_at);

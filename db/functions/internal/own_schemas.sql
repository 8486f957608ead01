-- internal.own_schemas(): the schemas whose objects are nightcap's.
CREATE OR REPLACE FUNCTION internal.own_schemas()
RETURNS text[]
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $fn$
  /*
   * One list for what nightcap owns and grants on: its five schemas, and
   * `auth` where nightcap made Supabase's helpers (where Supabase made them,
   * their objects are not the migrating role's, so nothing of theirs moves).
   */
  SELECT ARRAY['venue', 'reporting', 'api', 'internal', 'audit', 'auth']
$fn$;

COMMENT ON FUNCTION internal.own_schemas() IS
  'The schemas whose objects nightcap owns and grants on (internal.adopt_objects, internal.mirror_client_grants).';
REVOKE ALL ON FUNCTION internal.own_schemas() FROM PUBLIC;

-- internal.current_actor(): who is acting, for history rows (changed_by, requested_by).
CREATE OR REPLACE FUNCTION internal.current_actor()
RETURNS text
LANGUAGE sql
STABLE
AS $fn$
  /*
   * The signed-in user when there is one: Supabase / PostgREST put the JWT's
   * claims in request.jwt.claims (its "sub", else "email"); a client of its
   * own may set nightcap.actor (a name) or nightcap.user_id (the user the
   * policies act for) with set_config(..., true). Otherwise the database role
   * of the session (a DBA in psql, a daemon's role).
   */
  SELECT coalesce(
    nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', ''),
    nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email', ''),
    nullif(current_setting('nightcap.actor', true), ''),
    nullif(current_setting('nightcap.user_id', true), ''),
    session_user::text)
$fn$;

COMMENT ON FUNCTION internal.current_actor() IS
  'The acting user for history rows: the JWT subject (request.jwt.claims), else nightcap.actor, else nightcap.user_id, else the session''s database role.';
REVOKE ALL ON FUNCTION internal.current_actor() FROM PUBLIC;

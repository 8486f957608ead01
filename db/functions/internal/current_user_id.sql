-- internal.current_user_id(): the signed-in user the policies act for.
CREATE OR REPLACE FUNCTION internal.current_user_id()
RETURNS uuid
LANGUAGE sql
STABLE
PARALLEL SAFE
AS $fn$
  /*
   * Supabase / PostgREST: the JWT subject, read from the request's claims
   * exactly as Supabase's auth.uid() reads them (request.jwt.claim.sub, or
   * the sub of request.jwt.claims), but without calling auth.uid(): on
   * Supabase the auth schema is supabase_auth_admin's, usable by anon,
   * authenticated and service_role, and not by nightcap_owner, as whom the
   * policies' SECURITY DEFINER helper (internal.member_organizations) runs.
   * Any other trusted client (the dashboard, a script) sets nightcap.user_id
   * with set_config(..., true) inside its transaction, so a pooler in
   * transaction mode never carries it into another client's transaction.
   * NULL: nobody signed in, and the policies grant nothing.
   *
   * PARALLEL SAFE because the policies call it: see internal.member_organizations.
   */
  SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub',
                  nullif(current_setting('nightcap.user_id', true), ''))::uuid
$fn$;

COMMENT ON FUNCTION internal.current_user_id() IS
  'The acting user for the policies: the JWT subject (request.jwt.claims, as Supabase''s auth.uid() reads it), else the nightcap.user_id setting; NULL when nobody is signed in. A malformed id raises 22P02.';
REVOKE ALL ON FUNCTION internal.current_user_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION internal.current_user_id()
  TO nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor;

-- internal.current_user_id(): the signed-in user the policies act for.
CREATE OR REPLACE FUNCTION internal.current_user_id()
RETURNS uuid
LANGUAGE sql
STABLE
PARALLEL SAFE
AS $fn$
  /*
   * Supabase / PostgREST: the JWT subject, through auth.uid() (Supabase's own,
   * or the same definition nightcap made where Supabase is absent). Any other
   * trusted client (the dashboard, a script) sets nightcap.user_id with
   * set_config(..., true) inside its transaction, so a pooler in transaction
   * mode never carries it into another client's transaction. NULL: nobody
   * signed in, and the policies grant nothing.
   *
   * PARALLEL SAFE because the policies call it: see internal.member_organizations.
   */
  SELECT coalesce(auth.uid(), nullif(current_setting('nightcap.user_id', true), '')::uuid)
$fn$;

COMMENT ON FUNCTION internal.current_user_id() IS
  'The acting user for the policies: auth.uid() (the JWT subject), else the nightcap.user_id setting; NULL when nobody is signed in. A malformed id raises 22P02.';
REVOKE ALL ON FUNCTION internal.current_user_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION internal.current_user_id()
  TO nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor;

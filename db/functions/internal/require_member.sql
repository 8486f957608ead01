-- internal.require_member(organization, roles): stop unless the caller may act for the organization.
CREATE OR REPLACE FUNCTION internal.require_member(
  p_organization_id uuid,
  p_roles           text[]
)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $fn$
BEGIN
  /*
   * The first line of every SECURITY DEFINER api function a client may call,
   * which would otherwise act for any organization. A signed-in user (see
   * internal.current_user_id) must hold one of p_roles in the organization.
   * With nobody signed in, only the system passes: a session whose login is
   * a member of nightcap_owner (a DBA, pg_cron, the scheduler). The session's
   * login, not current_user, which inside SECURITY DEFINER is always the owner.
   */
  IF internal.current_user_id() IS NULL THEN
    IF pg_has_role(session_user, 'nightcap_owner', 'MEMBER') THEN
      RETURN;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
      MESSAGE = format('nobody is signed in: acting for organization %s needs a user who is %s there',
                       p_organization_id, array_to_string(p_roles, ' or ')),
      HINT = 'Sign in through Supabase (request.jwt.claims), or set nightcap.user_id in the transaction.';
  END IF;
  IF p_organization_id IS NULL OR NOT p_organization_id = ANY (internal.member_organizations(p_roles)) THEN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
      MESSAGE = format('user %s is not %s of organization %s', internal.current_user_id(),
                       array_to_string(p_roles, ' or '), p_organization_id);
  END IF;
END
$fn$;

COMMENT ON FUNCTION internal.require_member(uuid, text[]) IS
  'Raises 42501 unless the signed-in user holds one of p_roles in the organization, or, with nobody signed in, the session is the system (a member of nightcap_owner).';
REVOKE ALL ON FUNCTION internal.require_member(uuid, text[]) FROM PUBLIC;

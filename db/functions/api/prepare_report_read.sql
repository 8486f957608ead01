-- api.prepare_report_read(organization): writes on the primary what reading a report on a standby needs.
-- Not SECURITY DEFINER: only the engine's login (a member of nightcap_owner) calls it.
CREATE OR REPLACE FUNCTION api.prepare_report_read(p_organization_id uuid)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * api.generate_report writes two things before it reads: the system
   * templates the organization lacks (internal.ensure_report_templates)
   * and its analytics salt (internal.organization_salt, for the
   * pseudonymous keys of top_customers). A standby cannot write, so the
   * reader calls this on the primary and commits, then takes the primary's
   * WAL position, and reads on the standby only once it has replayed past
   * it (renderer.report_reader). Both writes happen once per organization;
   * afterwards this writes nothing. 22004 without an organization, P0002
   * for an unknown one.
   */
  IF p_organization_id IS NULL THEN
    RAISE EXCEPTION 'prepare_report_read needs an organization' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM internal.require_organization(p_organization_id);
  PERFORM internal.ensure_report_templates(p_organization_id);
  PERFORM internal.organization_salt(p_organization_id);
END
$fn$;

COMMENT ON FUNCTION api.prepare_report_read(uuid) IS
  'Creates on the primary what reading an organization''s reports on a hot standby needs (its system templates, its analytics salt); a no-op once they exist.';
REVOKE ALL ON FUNCTION api.prepare_report_read(uuid) FROM PUBLIC;

-- internal.set_tenant_access(table, readers, writers): a tenant table's row-level security and grants.
CREATE OR REPLACE FUNCTION internal.set_tenant_access(
  p_table   regclass,
  p_readers text[],
  p_writers text[] DEFAULT '{}'
)
RETURNS void
LANGUAGE plpgsql
VOLATILE
AS $fn$
DECLARE
  v_policy name;
  v_role   text;
  v_seq    regclass;
  v_known  constant text[] := ARRAY['admin', 'manager', 'staff', 'auditor'];
BEGIN
  /*
   * Called by each file under db/policies/, which owns all the policies of
   * its table: this drops them all, then writes the standard ones.
   *
   *   ENABLE and FORCE row-level security: deny by default, the owner included.
   *   owner_all      TO nightcap_owner, every row: the system itself (SECURITY
   *                  DEFINER functions, migrations, a DBA signed in as a
   *                  member of the owner role, pg_cron's jobs).
   *   members_read   SELECT, rows of the organizations where the acting user
   *                  (internal.current_user_id()) holds one of p_readers.
   *   members_write  INSERT, UPDATE, DELETE (and SELECT), rows of the
   *                  organizations where they hold one of p_writers; a row
   *                  written into another organization fails its WITH CHECK
   *                  with 42501.
   *   GRANTs         REVOKE ALL from PUBLIC and the client roles, then SELECT
   *                  to nightcap_<reader>, SELECT, INSERT, UPDATE, DELETE to
   *                  nightcap_<writer>: the ceiling, which the policies narrow.
   * Table-specific policies (a staff member's own rows) follow the call.
   */
  IF p_readers IS NULL OR p_writers IS NULL OR NOT (p_readers || p_writers) <@ v_known THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('readers %s and writers %s must be lists of %s', p_readers, p_writers, v_known);
  END IF;

  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', p_table);
  FOR v_policy IN SELECT polname FROM pg_policy WHERE polrelid = p_table LOOP
    EXECUTE format('DROP POLICY %I ON %s', v_policy, p_table);
  END LOOP;

  EXECUTE format('CREATE POLICY owner_all ON %s TO nightcap_owner USING (true) WITH CHECK (true)', p_table);
  IF p_readers <> '{}' THEN
    EXECUTE format('CREATE POLICY members_read ON %s FOR SELECT USING '
                   '(organization_id = ANY ((SELECT internal.member_organizations(%L))::uuid[]))', p_table, p_readers);
  END IF;
  IF p_writers <> '{}' THEN
    EXECUTE format('CREATE POLICY members_write ON %s FOR ALL USING '
                   '(organization_id = ANY ((SELECT internal.member_organizations(%2$L))::uuid[])) WITH CHECK '
                   '(organization_id = ANY ((SELECT internal.member_organizations(%2$L))::uuid[]))', p_table, p_writers);
  END IF;

  EXECUTE format('REVOKE ALL ON %s FROM PUBLIC, nightcap_admin, nightcap_manager, nightcap_staff, '
                 'nightcap_auditor, nightcap_renderer', p_table);
  FOREACH v_role IN ARRAY p_readers LOOP
    EXECUTE format('GRANT SELECT ON %s TO %I', p_table, 'nightcap_' || v_role);
  END LOOP;
  FOREACH v_role IN ARRAY p_writers LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %I', p_table, 'nightcap_' || v_role);
    -- A serial column's sequence (identity columns need no grant of their own).
    FOR v_seq IN SELECT d.objid::regclass FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                  WHERE d.refobjid = p_table AND d.classid = 'pg_class'::regclass AND s.relkind = 'S'
                    AND d.deptype = 'a' LOOP
      EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', v_seq, 'nightcap_' || v_role);
    END LOOP;
  END LOOP;
END
$fn$;

COMMENT ON FUNCTION internal.set_tenant_access(regclass, text[], text[]) IS
  'Row-level security (enabled, forced, deny by default) and grants of a tenant table: the owner sees all; p_readers read their organizations'' rows, p_writers also write them (roles admin, manager, staff, auditor). Replaces all of the table''s policies; 22023 for an unknown role.';
REVOKE ALL ON FUNCTION internal.set_tenant_access(regclass, text[], text[]) FROM PUBLIC;

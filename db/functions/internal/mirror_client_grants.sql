-- internal.mirror_client_grants(): give Supabase's roles exactly the privileges of nightcap's client roles.
CREATE OR REPLACE FUNCTION internal.mirror_client_grants()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
AS $fn$
DECLARE
  v_schemas constant text[] := internal.own_schemas();
  v_owner   constant oid := 'nightcap_owner'::regrole;
  v_change  record;
  v_count   integer := 0;
BEGIN
  /*
   * Supabase signs every user in as `authenticated` and every backend as
   * `service_role`, both NOINHERIT: a GRANT of nightcap_admin to them would
   * give them nothing. So, after every migration, `authenticated` gets every
   * privilege any of nightcap_admin, nightcap_manager, nightcap_staff and
   * nightcap_auditor holds on nightcap's schemas, tables, columns and
   * functions (the policies then narrow the rows by membership), and
   * `service_role` those of nightcap_renderer; any other privilege of theirs
   * on nightcap's objects is revoked. `anon` gets nothing, ever. Where a
   * role does not exist (no Supabase), nothing happens for it. nightcap's
   * objects are those nightcap_owner owns in internal.own_schemas(): where
   * Supabase made the auth schema, its objects are Supabase's, and their
   * grants to anon, authenticated and service_role stay as they are.
   * Returns how many GRANTs and REVOKEs ran.
   */
  FOR v_change IN
    WITH mirror (source, target) AS (
      VALUES ('nightcap_admin', 'authenticated'), ('nightcap_manager', 'authenticated'),
             ('nightcap_staff', 'authenticated'), ('nightcap_auditor', 'authenticated'),
             ('nightcap_renderer', 'service_role')
    ), objects AS (
      SELECT format('SCHEMA %I', n.nspname) AS object, n.nspacl AS acl
        FROM pg_namespace n WHERE n.nspname = ANY (v_schemas) AND n.nspowner = v_owner
      UNION ALL
      SELECT format('%s %s', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass), c.relacl
        FROM pg_class c
       WHERE c.relnamespace::regnamespace::text = ANY (v_schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
         AND c.relowner = v_owner
      UNION ALL
      SELECT format('FUNCTION %s', p.oid::regprocedure), p.proacl
        FROM pg_proc p WHERE p.pronamespace::regnamespace::text = ANY (v_schemas) AND p.proowner = v_owner
    ), columns AS (
      SELECT format('TABLE %s', a.attrelid::regclass) AS object, quote_ident(a.attname) AS col, a.attacl AS acl
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE c.relnamespace::regnamespace::text = ANY (v_schemas) AND a.attacl IS NOT NULL
         AND c.relowner = v_owner
    ), held AS (
      SELECT o.object, NULL::text AS col, x.privilege_type, r.rolname
        FROM objects o, aclexplode(o.acl) x JOIN pg_roles r ON r.oid = x.grantee
      UNION ALL
      SELECT c.object, c.col, x.privilege_type, r.rolname
        FROM columns c, aclexplode(c.acl) x JOIN pg_roles r ON r.oid = x.grantee
    ), wanted AS (
      SELECT DISTINCT h.object, h.col, h.privilege_type, m.target
        FROM held h JOIN mirror m ON m.source = h.rolname
       WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = m.target)
    ), present AS (
      SELECT DISTINCT h.object, h.col, h.privilege_type, h.rolname AS target
        FROM held h WHERE h.rolname IN (SELECT target FROM mirror)
    )
    SELECT 'GRANT' AS verb, w.* FROM wanted w
     WHERE NOT EXISTS (SELECT 1 FROM present p WHERE (p.object, p.col, p.privilege_type, p.target)
                                                   IS NOT DISTINCT FROM (w.object, w.col, w.privilege_type, w.target))
    UNION ALL
    SELECT 'REVOKE', p.* FROM present p
     WHERE NOT EXISTS (SELECT 1 FROM wanted w WHERE (p.object, p.col, p.privilege_type, p.target)
                                                  IS NOT DISTINCT FROM (w.object, w.col, w.privilege_type, w.target))
    UNION ALL
    -- anon: nothing at all on nightcap's objects.
    SELECT 'REVOKE', h.object, h.col, h.privilege_type, h.rolname FROM held h WHERE h.rolname = 'anon'
  LOOP
    EXECUTE format('%s %s%s ON %s %s %I', v_change.verb, v_change.privilege_type,
                   CASE WHEN v_change.col IS NULL THEN '' ELSE ' (' || v_change.col || ')' END,
                   v_change.object, CASE v_change.verb WHEN 'GRANT' THEN 'TO' ELSE 'FROM' END, v_change.target);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$fn$;

COMMENT ON FUNCTION internal.mirror_client_grants() IS
  'Gives Supabase''s authenticated the privileges of nightcap''s admin, manager, staff and auditor roles, and service_role those of nightcap_renderer, on nightcap''s objects; revokes any other of theirs, and everything of anon. Run by nightcap migrate; returns how many GRANTs and REVOKEs ran.';
REVOKE ALL ON FUNCTION internal.mirror_client_grants() FROM PUBLIC;

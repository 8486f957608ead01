-- internal.adopt_objects(): hand every object the migrating role made to nightcap_owner.
CREATE OR REPLACE FUNCTION internal.adopt_objects()
RETURNS integer
LANGUAGE plpgsql
VOLATILE
AS $fn$
DECLARE
  v_schemas constant text[] := internal.own_schemas();
  v_obj     record;
  v_count   integer := 0;
BEGIN
  /*
   * Run by `nightcap migrate` after every upgrade. Objects belong to the
   * NOLOGIN role nightcap_owner, never to the role that signed in to migrate:
   * nobody logs in as the owner, and the policies name it. Only what the
   * migrating role owns is moved, so Supabase's own auth schema stays
   * Supabase's. Returns how many objects changed hands.
   */
  FOR v_obj IN
    SELECT format('SCHEMA %I', n.nspname) AS what
      FROM pg_namespace n
     WHERE n.nspname = ANY (v_schemas) AND n.nspowner = current_user::regrole
    UNION ALL
    SELECT format('%s %s',
                  CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                 WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                  c.oid::regclass)
      FROM pg_class c
     WHERE c.relnamespace::regnamespace::text = ANY (v_schemas)
       AND c.relowner = current_user::regrole
       AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       -- A sequence of a serial or identity column follows its table.
       AND NOT EXISTS (SELECT 1 FROM pg_depend d
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
    UNION ALL
    SELECT format('%s %s', CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
                  p.oid::regprocedure)
      FROM pg_proc p
     WHERE p.pronamespace::regnamespace::text = ANY (v_schemas) AND p.proowner = current_user::regrole
    UNION ALL
    SELECT format('%s %s', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype)
      FROM pg_type t
     WHERE t.typnamespace::regnamespace::text = ANY (v_schemas) AND t.typowner = current_user::regrole
       AND t.typtype IN ('e', 'd', 'r', 'c') AND (t.typrelid = 0 OR
             (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
       AND t.typelem = 0 AND NOT EXISTS (SELECT 1 FROM pg_type a WHERE a.typarray = t.oid)
  LOOP
    EXECUTE format('ALTER %s OWNER TO nightcap_owner', v_obj.what);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$fn$;

COMMENT ON FUNCTION internal.adopt_objects() IS
  'Gives nightcap_owner every schema, table, view, sequence, function and type in nightcap''s schemas that the migrating role owns; returns how many. Run by nightcap migrate after each upgrade.';
REVOKE ALL ON FUNCTION internal.adopt_objects() FROM PUBLIC;

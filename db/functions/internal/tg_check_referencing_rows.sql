-- internal.tg_check_referencing_rows(): the parent side of a set-based FOREIGN KEY.
CREATE OR REPLACE FUNCTION internal.tg_check_referencing_rows()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_arg         text;
  v_child       text;
  v_child_cols  text[];
  v_parent_cols text[];
  v_bad         jsonb;
  v_kept        text;
  v_vanished    boolean;
BEGIN
  /*
   * Statement-level AFTER DELETE or AFTER UPDATE trigger on a parent, with the
   * old rows as transition table `old_rows` (and, for UPDATE, the new ones as
   * `new_rows`). Each argument names a child as 'child:col[,col...]' or
   * 'child:child_col=parent_col'. A key that disappears (row deleted, or key
   * changed) while a child row still refers to it raises 23503, as ON DELETE /
   * ON UPDATE NO ACTION would. TRUNCATE fires no such trigger: truncate the
   * children first.
   * Another child table is locked in SHARE mode first: inserts still in
   * flight finish and become visible, and none start until this transaction
   * ends, so an orphan cannot slip in between the check and the commit. A
   * table referring to itself (refunds to payments) is not locked: that would
   * deadlock two transactions that both wrote to it.
   */
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
    RETURN NULL;
  END IF;
  FOREACH v_arg IN ARRAY TG_ARGV LOOP
    SELECT r.other_table, r.child_cols, r.parent_cols
      INTO v_child, v_child_cols, v_parent_cols
      FROM internal.parse_reference_spec(v_arg) AS r;

    -- An UPDATE that keeps every key (a status change) has nothing to check.
    v_kept := CASE WHEN TG_OP = 'UPDATE' THEN format(
        ' AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.organization_id = o.organization_id AND %s)',
        (SELECT string_agg(format('n.%I = o.%I', pc, pc), ' AND ') FROM unnest(v_parent_cols) pc))
      ELSE '' END;
    IF TG_OP = 'UPDATE' THEN
      EXECUTE 'SELECT EXISTS (SELECT 1 FROM old_rows o WHERE true' || v_kept || ')' INTO v_vanished;
      CONTINUE WHEN NOT v_vanished;
    END IF;

    IF v_child <> TG_TABLE_NAME THEN
      EXECUTE format('LOCK TABLE %I.%I IN SHARE MODE', TG_TABLE_SCHEMA, v_child);
    END IF;
    EXECUTE format(
      'SELECT to_jsonb(k) FROM (SELECT o.organization_id, %s FROM old_rows o'
      ' WHERE EXISTS (SELECT 1 FROM %I.%I c WHERE c.organization_id = o.organization_id AND %s)%s'
      ' LIMIT 1) k',
      (SELECT string_agg(format('o.%I', c), ', ') FROM unnest(v_parent_cols) c),
      TG_TABLE_SCHEMA, v_child,
      (SELECT string_agg(format('c.%I = o.%I', cc, pc), ' AND ')
         FROM unnest(v_child_cols, v_parent_cols) AS u(cc, pc)),
      v_kept)
      INTO v_bad;

    IF v_bad IS NOT NULL THEN
      RAISE EXCEPTION USING
        ERRCODE = 'foreign_key_violation',
        MESSAGE = format('%s.%s row is still referenced from %s.%s: %s',
                         TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_TABLE_SCHEMA, v_child, v_bad),
        HINT = format('Delete or re-point the %s rows first.', v_child),
        SCHEMA = TG_TABLE_SCHEMA,
        TABLE = TG_TABLE_NAME;
    END IF;
  END LOOP;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_check_referencing_rows() IS
  'Parent side of a set-based foreign key: a statement deleting rows, or changing keys, that fact rows still refer to raises 23503. Arguments: ''child:col,...'' or ''child:child_col=parent_col''.';
REVOKE ALL ON FUNCTION internal.tg_check_referencing_rows() FROM PUBLIC;

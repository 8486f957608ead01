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
BEGIN
  /*
   * Statement-level AFTER DELETE trigger on a parent, with the deleted rows as
   * transition table `old_rows`. Each argument names a child as
   * 'child:col[,col...]' or 'child:child_col=parent_col'. A deleted parent
   * that a child row still refers to raises 23503 (ON DELETE NO ACTION).
   * The child is locked in SHARE mode first: inserts still in flight finish
   * and become visible, and none start until this transaction ends, so an
   * orphan cannot slip in between the check and the commit.
   */
  FOREACH v_arg IN ARRAY TG_ARGV LOOP
    v_child := split_part(v_arg, ':', 1);
    SELECT array_agg(split_part(pair, '=', 1) ORDER BY ord),
           array_agg(coalesce(nullif(split_part(pair, '=', 2), ''), split_part(pair, '=', 1)) ORDER BY ord)
      INTO v_child_cols, v_parent_cols
      FROM unnest(string_to_array(split_part(v_arg, ':', 2), ',')) WITH ORDINALITY AS u(pair, ord);

    EXECUTE format('LOCK TABLE %I.%I IN SHARE MODE', TG_TABLE_SCHEMA, v_child);
    EXECUTE format(
      'SELECT to_jsonb(k) FROM (SELECT o.organization_id, %s FROM old_rows o'
      ' WHERE EXISTS (SELECT 1 FROM %I.%I c WHERE c.organization_id = o.organization_id AND %s)'
      ' LIMIT 1) k',
      (SELECT string_agg(format('o.%I', c), ', ') FROM unnest(v_parent_cols) c),
      TG_TABLE_SCHEMA, v_child,
      (SELECT string_agg(format('c.%I = o.%I', cc, pc), ' AND ')
         FROM unnest(v_child_cols, v_parent_cols) AS u(cc, pc)))
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
  'Parent side of a set-based foreign key: a statement deleting rows that fact rows still refer to raises 23503. Arguments: ''child:col,...'' or ''child:child_col=parent_col''.';
REVOKE ALL ON FUNCTION internal.tg_check_referencing_rows() FROM PUBLIC;

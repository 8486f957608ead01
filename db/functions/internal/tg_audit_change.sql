-- internal.tg_audit_change(object, id columns, created, updated, deleted, ignored, state rules...): configuration changes into the audit log.
CREATE OR REPLACE FUNCTION internal.tg_audit_change()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_object   constant text   := TG_ARGV[0];
  v_id_cols  constant text[] := string_to_array(TG_ARGV[1], ',');
  v_created  constant text   := coalesce(nullif(TG_ARGV[2], ''), 'created');
  v_updated  constant text   := coalesce(nullif(TG_ARGV[3], ''), 'updated');
  v_deleted  constant text   := coalesce(nullif(TG_ARGV[4], ''), 'deleted');
  v_ignored  constant text[] := coalesce(string_to_array(nullif(TG_ARGV[5], ''), ','), '{}');
  v_details  constant jsonb  := jsonb_build_object('table', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
  v_row      jsonb;
  v_before   jsonb;
  v_after    jsonb;
  v_org      uuid;
  v_id       text;
  v_rule     text;
  v_column   text;
  v_expected text;
  v_value    text;
  v_columns  text[];
BEGIN
  /*
   * AFTER INSERT, UPDATE or DELETE on a configuration table, per row (or,
   * for INSERT and DELETE, per statement with the transition table new_rows
   * or old_rows): who changed what, and how, as events of seed 003's names
   * in audit.events (internal.audit_event takes the actor from the session).
   *
   * SECURITY DEFINER, on purpose: an admin writes these tables through RLS
   * as nightcap_admin, which has no EXECUTE on internal.audit_event and no
   * INSERT on audit.events, and must not have either: with them it could
   * write (forge) audit rows of its own. The trigger runs as the owner and
   * writes only what the row change was; a trigger function cannot be
   * called directly, so nobody can make it say anything else.
   *
   * Arguments (CREATE TRIGGER ... EXECUTE FUNCTION internal.tg_audit_change(...)):
   *   0 object     the event's object, e.g. 'scheduled_report'
   *   1 id columns the columns naming the row, comma-separated ('subscription_id')
   *   2-4 verbs    of INSERT, UPDATE and DELETE ('' for created, updated, deleted)
   *   5 ignored    columns whose changes are bookkeeping, never audited
   *   6.. states   'column=value:verb[:more columns]': an UPDATE that moves
   *                column to value (text; '*' any non-NULL, '-' NULL) is
   *                its own event <object>.<verb>, carrying that column and
   *                the more columns; whatever else changed is <object>.<updated>.
   * INSERT stores the new row in after, DELETE the old in before; UPDATE
   * only the columns that changed, each side. An UPDATE that changes
   * nothing but ignored columns writes nothing.
   */
  IF TG_LEVEL = 'STATEMENT' THEN
    -- INSERT or DELETE of many rows at once (bench/tick.py loads 100,000 jobs):
    -- one INSERT ... SELECT over the transition table (new_rows or old_rows),
    -- about twice as fast as a call of internal.audit_event per row. It
    -- writes what internal.audit_event would: the same actor, user and role.
    EXECUTE format(
      'INSERT INTO audit.events (organization_id, actor, actor_user_id, event, object_type, object_id,'
      '                          before, after, details)'
      'SELECT (x.r ->> ''organization_id'')::uuid, $1, $2, $3, $4,'
      '       (SELECT string_agg(x.r ->> c, ''/'') FROM unnest($5) c),'
      '       CASE WHEN $6 THEN NULL ELSE x.r END, CASE WHEN $6 THEN x.r END, $7'
      '  FROM (SELECT to_jsonb(t) - $8 AS r FROM %I t) x',
      CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END)
      USING internal.current_actor(), internal.current_user_id(),
            v_object || '.' || CASE TG_OP WHEN 'INSERT' THEN v_created ELSE v_deleted END, v_object,
            v_id_cols, TG_OP = 'INSERT', v_details, v_ignored;
    RETURN NULL;
  END IF;

  v_row := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END) - v_ignored;
  v_id := (SELECT string_agg(v_row ->> c, '/') FROM unnest(v_id_cols) c);
  IF v_row ? 'organization_id' THEN
    v_org := (v_row ->> 'organization_id')::uuid;
  ELSIF v_row ? 'child_job_id' THEN
    -- A job dependency belongs to its jobs' organization (NULL for the system's).
    SELECT j.organization_id INTO v_org
      FROM reporting.scheduled_jobs j
     WHERE j.job_id IN ((v_row ->> 'child_job_id')::bigint, (v_row ->> 'parent_job_id')::bigint)
     ORDER BY j.organization_id NULLS LAST
     LIMIT 1;
  END IF;

  IF TG_OP = 'INSERT' THEN
    PERFORM internal.audit_event(v_org, v_object || '.' || v_created, v_object, v_id, NULL, v_row, v_details);
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM internal.audit_event(v_org, v_object || '.' || v_deleted, v_object, v_id, v_row, NULL, v_details);
    RETURN NULL;
  END IF;

  -- UPDATE: the columns that changed, old and new.
  SELECT jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, n.value)
    INTO v_before, v_after
    FROM jsonb_each(to_jsonb(OLD) - v_ignored) o
    JOIN jsonb_each(v_row) n ON n.key = o.key
   WHERE o.value IS DISTINCT FROM n.value;
  IF v_after IS NULL THEN
    RETURN NULL;
  END IF;

  FOR i IN 6 .. TG_NARGS - 1 LOOP
    v_rule := TG_ARGV[i];
    v_column := split_part(split_part(v_rule, ':', 1), '=', 1);
    v_expected := split_part(split_part(v_rule, ':', 1), '=', 2);
    CONTINUE WHEN NOT v_after ? v_column;
    v_value := v_after ->> v_column;
    CONTINUE WHEN NOT CASE v_expected WHEN '*' THEN v_value IS NOT NULL
                                      WHEN '-' THEN v_value IS NULL
                                      ELSE v_value IS NOT DISTINCT FROM v_expected END;
    v_columns := v_column || coalesce(string_to_array(nullif(split_part(v_rule, ':', 3), ''), ','), '{}');
    PERFORM internal.audit_event(
      v_org, v_object || '.' || split_part(v_rule, ':', 2), v_object, v_id,
      (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(v_before) e WHERE e.key = ANY (v_columns)),
      (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(v_after) e WHERE e.key = ANY (v_columns)),
      v_details);
    v_before := v_before - v_columns;
    v_after := v_after - v_columns;
  END LOOP;

  IF v_after <> '{}' THEN
    PERFORM internal.audit_event(v_org, v_object || '.' || v_updated, v_object, v_id, v_before, v_after, v_details);
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_audit_change() IS
  'Trigger: appends a configuration change (created, updated with only the changed columns, state changes such as paused, deleted) to audit.events, with the acting user; arguments name the object, its id columns, verbs, ignored columns and state rules.';
REVOKE ALL ON FUNCTION internal.tg_audit_change() FROM PUBLIC;

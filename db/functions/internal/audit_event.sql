-- internal.audit_event(...): append one event to the audit log.
CREATE OR REPLACE FUNCTION internal.audit_event(
  p_organization_id uuid,
  p_event           text,
  p_object_type     text,
  p_object_id       text,
  p_before          jsonb DEFAULT NULL,
  p_after           jsonb DEFAULT NULL,
  p_details         jsonb DEFAULT '{}'
)
RETURNS bigint
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_event_id bigint;
BEGIN
  /*
   * SECURITY DEFINER, on purpose: an admin changing a template through RLS,
   * the renderer recording a download, must leave an audit row, yet none of
   * them may write the audit log directly (no client role has INSERT on
   * audit.events). Who acted is taken from the session, never from the
   * caller: internal.current_actor(), internal.current_user_id() and the
   * session's database role.
   */
  IF p_event IS NULL OR p_object_type IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'an audit event needs its name and the type of its object';
  END IF;
  INSERT INTO audit.events (organization_id, actor, actor_user_id, event, object_type, object_id,
                            before, after, details)
  VALUES (p_organization_id, internal.current_actor(), internal.current_user_id(), p_event,
          p_object_type, p_object_id, p_before, p_after, coalesce(p_details, '{}'))
  RETURNING event_id INTO v_event_id;
  RETURN v_event_id;
END
$fn$;

COMMENT ON FUNCTION internal.audit_event(uuid, text, text, text, jsonb, jsonb, jsonb) IS
  'Appends an event (seed 003''s names, e.g. scheduled_report.created) to audit.events with the acting user, database role and time; returns its id. 22004 without a name or object type; 23514 for a name not shaped object.action.';
REVOKE ALL ON FUNCTION internal.audit_event(uuid, text, text, text, jsonb, jsonb, jsonb) FROM PUBLIC;

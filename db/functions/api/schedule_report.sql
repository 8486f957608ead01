-- api.schedule_report(...): schedule a report for recipients on a cron of its own (seed 002's scheduleReport).
-- SECURITY DEFINER: besides the organization's configuration it writes the engine's own rows (jobs, history, logs) that no client may write directly; internal.require_member checks the caller first.
CREATE OR REPLACE FUNCTION api.schedule_report(
  p_organization_id   uuid,
  p_template_key      text,
  p_cron_expression   text,
  p_timezone          text DEFAULT 'Europe/London',
  p_recipient_ids     bigint[] DEFAULT NULL,
  p_filters           jsonb DEFAULT '{}',
  p_delivery_channels text[] DEFAULT '{email}',
  p_formats           text[] DEFAULT NULL,
  p_max_attempts      integer DEFAULT 3
)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_template reporting.report_templates;
  v_job_id   bigint;
  v_missing  bigint[];
BEGIN
  PERFORM internal.require_member(p_organization_id, '{admin}');
  /*
   * Seed 002's scheduleReport(schedule) in SQL: subscribes each recipient in
   * p_recipient_ids (all the organization's recipients not suppressed when
   * NULL) to the active version of p_template_key on p_cron_expression read
   * in p_timezone, with the filters, channels and formats given (an existing
   * subscription of the recipient to the same key and filters is updated,
   * and resumed only when the recipient was named: scheduling for everyone
   * never resumes someone who unsubscribed). The subscriptions make the report job
   * (internal.sync_report_jobs); its retry policy takes p_max_attempts.
   * Returns the job's id. All or nothing: P0002 unknown organization,
   * template or recipient; 22023 bad cron, zone, filters, channels,
   * formats or attempts; 22004 no recipient to schedule for.
   */
  PERFORM internal.require_organization(p_organization_id);
  SELECT * INTO v_template
    FROM reporting.report_templates t
   WHERE t.organization_id = p_organization_id AND t.template_key = p_template_key AND t.status = 'active';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'organization % has no active report template %', p_organization_id, coalesce(p_template_key, 'NULL')
      USING ERRCODE = 'P0002';
  END IF;
  IF p_cron_expression IS NULL THEN
    RAISE EXCEPTION 'schedule_report needs a cron expression' USING ERRCODE = 'null_value_not_allowed',
      HINT = format('Template %s''s own schedule is %s.', p_template_key, coalesce(v_template.schedule_cron, 'none'));
  END IF;
  IF p_timezone IS NULL OR NOT EXISTS (SELECT FROM pg_timezone_names z WHERE z.name = p_timezone) THEN
    RAISE EXCEPTION 'unknown time zone %', coalesce(p_timezone, 'NULL')
      USING ERRCODE = '22023', HINT = 'Use an IANA name such as Europe/London.';
  END IF;
  IF p_max_attempts IS NULL OR p_max_attempts < 1 THEN
    RAISE EXCEPTION 'p_max_attempts must be at least 1, got %', coalesce(p_max_attempts::text, 'NULL')
      USING ERRCODE = '22023';
  END IF;
  SELECT array_agg(x) INTO v_missing
    FROM unnest(p_recipient_ids) x
   WHERE NOT EXISTS (SELECT FROM reporting.report_recipients r
                      WHERE r.organization_id = p_organization_id AND r.recipient_id = x);
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'organization % has no report recipients %', p_organization_id, v_missing USING ERRCODE = 'P0002';
  END IF;

  INSERT INTO reporting.report_subscriptions AS s
         (organization_id, recipient_id, template_id, cron_expression, timezone, filters, delivery_channels, formats)
  SELECT p_organization_id, r.recipient_id, v_template.template_id, p_cron_expression, p_timezone,
         coalesce(p_filters, '{}'), p_delivery_channels, p_formats
    FROM reporting.report_recipients r
   WHERE r.organization_id = p_organization_id
     AND (CASE WHEN p_recipient_ids IS NULL THEN r.suppressed_at IS NULL ELSE r.recipient_id = ANY (p_recipient_ids) END)
      ON CONFLICT ON CONSTRAINT report_subscriptions_once DO UPDATE
     SET template_id = excluded.template_id, cron_expression = excluded.cron_expression,
         timezone = excluded.timezone, delivery_channels = excluded.delivery_channels,
         formats = excluded.formats,
         -- Naming the recipients resumes them; scheduling for everyone never
         -- resumes one who unsubscribed.
         is_paused = CASE WHEN p_recipient_ids IS NULL THEN s.is_paused ELSE false END;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'organization % has no report recipient to schedule % for', p_organization_id, p_template_key
      USING ERRCODE = 'null_value_not_allowed', HINT = 'Add one to reporting.report_recipients.';
  END IF;

  UPDATE reporting.scheduled_jobs j
     SET max_attempts = p_max_attempts
   WHERE j.organization_id = p_organization_id
     AND j.name = internal.report_job_name(p_template_key, api.cron_validate(p_cron_expression), p_timezone,
                                           coalesce(p_filters, '{}'))
  RETURNING j.job_id INTO v_job_id;
  RETURN v_job_id;
END
$fn$;

COMMENT ON FUNCTION api.schedule_report(uuid, text, text, text, bigint[], jsonb, text[], text[], integer) IS
  'Schedules a report for recipients on a cron and zone of its own (seed 002''s scheduleReport): subscribes them, lets the subscriptions make the report job, sets its attempts; returns the job id.';
REVOKE ALL ON FUNCTION api.schedule_report(uuid, text, text, text, bigint[], jsonb, text[], text[], integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.schedule_report(uuid, text, text, text, bigint[], jsonb, text[], text[], integer) TO nightcap_admin;

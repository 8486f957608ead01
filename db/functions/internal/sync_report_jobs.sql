-- internal.sync_report_jobs(organizations): the report jobs the organizations' subscriptions need, and no others.
CREATE OR REPLACE FUNCTION internal.sync_report_jobs(p_organization_ids uuid[])
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_changed integer;
BEGIN
  /*
   * Subscriptions create their runs through the job engine: one report job
   * (job_type 'report', payload {"task": "generate_report", "template_key",
   * "filters"}) per organization, template key, effective schedule (the
   * subscription's cron and zone, else the active template version's) and
   * filters that at least one subscription not paused asks for. A job is
   * named by internal.report_job_name. Jobs no longer
   * needed are disabled, not deleted (their runs are history); needed again,
   * they are enabled. Each subscription then points at its job (job_id,
   * next_delivery_at; NULL while paused or when the template has no
   * schedule). Returns the number of jobs created, enabled or disabled.
   * Syncs of one organization are serialised (an advisory lock per
   * organization): two transactions changing subscriptions of the same job
   * at once would otherwise each decide from a snapshot without the other's
   * rows, and one could disable a job the other's subscription needs.
   */
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.report_jobs'), hashtext(o::text))
     FROM (SELECT DISTINCT o FROM unnest(p_organization_ids) o ORDER BY o) x;
  WITH wanted AS (
    SELECT DISTINCT s.organization_id, s.template_key, w.cron_expression, w.timezone, s.filters,
           internal.report_job_name(s.template_key, s.cron_expression, s.timezone, s.filters) AS name
      FROM reporting.report_subscriptions s
      JOIN reporting.report_templates t
        ON t.organization_id = s.organization_id AND t.template_key = s.template_key AND t.status = 'active'
     CROSS JOIN LATERAL (SELECT coalesce(s.cron_expression, t.schedule_cron) AS cron_expression,
                                CASE WHEN s.cron_expression IS NOT NULL THEN s.timezone
                                     ELSE t.schedule_timezone END AS timezone) w
     WHERE s.organization_id = ANY (p_organization_ids) AND NOT s.is_paused AND w.cron_expression IS NOT NULL
  ), upserted AS (
    INSERT INTO reporting.scheduled_jobs AS j
           (organization_id, name, job_type, cron_expression, timezone, priority, catch_up, payload, enabled)
    SELECT w.organization_id, w.name, 'report', w.cron_expression, w.timezone, 'high', 'latest',
           jsonb_build_object('task', 'generate_report', 'template_key', w.template_key, 'filters', w.filters), true
      FROM wanted w
        ON CONFLICT ON CONSTRAINT scheduled_jobs_name_key DO UPDATE
       SET enabled = true, cron_expression = excluded.cron_expression, timezone = excluded.timezone,
           payload = excluded.payload
     WHERE NOT j.enabled OR j.cron_expression IS DISTINCT FROM excluded.cron_expression
        OR j.timezone IS DISTINCT FROM excluded.timezone OR j.payload IS DISTINCT FROM excluded.payload
    RETURNING j.job_id, j.organization_id, j.name
  ), alerted AS (
    -- A report that fails for good, or whose emails bounce (over 5%), must be
    -- heard of: each report job gets a failure and a bounce_rate rule.
    INSERT INTO reporting.job_alerts (organization_id, job_id, name, alert_type, grace_period)
    SELECT u.organization_id, u.job_id, u.name || ' ' || t.label, t.alert_type, interval '1 hour'
      FROM upserted u
     CROSS JOIN (VALUES ('failure', 'failed'), ('bounce_rate', 'emails bouncing')) AS t (alert_type, label)
     WHERE NOT EXISTS (SELECT FROM reporting.job_alerts a WHERE a.job_id = u.job_id AND a.alert_type = t.alert_type)
  ), retired AS (
    UPDATE reporting.scheduled_jobs j
       SET enabled = false
     WHERE j.organization_id = ANY (p_organization_ids) AND j.job_type = 'report' AND j.enabled
       AND j.payload ->> 'task' = 'generate_report' AND j.name LIKE 'report:%'
       AND NOT EXISTS (SELECT FROM wanted w WHERE w.organization_id = j.organization_id AND w.name = j.name)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM upserted) + (SELECT count(*) FROM retired) INTO v_changed;

  UPDATE reporting.report_subscriptions s
     SET job_id = j.job_id, next_delivery_at = j.next_run_at
    FROM reporting.report_subscriptions s2
    LEFT JOIN reporting.report_templates t
      ON t.organization_id = s2.organization_id AND t.template_key = s2.template_key AND t.status = 'active'
    LEFT JOIN reporting.scheduled_jobs j
      ON NOT s2.is_paused AND j.organization_id = s2.organization_id AND j.job_type = 'report' AND j.enabled
     AND t.template_id IS NOT NULL
     AND j.name = internal.report_job_name(s2.template_key, s2.cron_expression, s2.timezone, s2.filters)
   WHERE s.organization_id = s2.organization_id AND s.subscription_id = s2.subscription_id
     AND s.organization_id = ANY (p_organization_ids)
     AND (s.job_id IS DISTINCT FROM j.job_id OR s.next_delivery_at IS DISTINCT FROM j.next_run_at);
  RETURN v_changed;
END
$fn$;

COMMENT ON FUNCTION internal.sync_report_jobs(uuid[]) IS
  'Creates, enables and disables the report jobs that serve the organizations'' subscriptions (one per template key, schedule and filters) and points each subscription at its job.';
REVOKE ALL ON FUNCTION internal.sync_report_jobs(uuid[]) FROM PUBLIC;

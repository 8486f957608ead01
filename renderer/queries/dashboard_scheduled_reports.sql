-- Report jobs with their next run and how the last one ended, and who gets them.
SELECT j.job_id, o.name AS organization, coalesce(t.name, j.payload ->> 'template_key') AS report,
       j.cron_expression, j.timezone, j.enabled, j.next_run_at,
       last.scheduled_for AS last_run_for, last.status AS last_status, last.finished_at AS last_finished_at,
       last.error_message AS last_error,
       (SELECT count(*) FROM reporting.report_subscriptions s
         WHERE s.organization_id = j.organization_id AND s.job_id = j.job_id AND NOT s.is_paused)
         AS recipients
  FROM reporting.scheduled_jobs j
  JOIN venue.organizations o USING (organization_id)
  LEFT JOIN reporting.report_templates t
    ON t.organization_id = j.organization_id AND t.template_key = j.payload ->> 'template_key'
   AND t.status = 'active'
  LEFT JOIN LATERAL (
    SELECT r.scheduled_for, r.status, r.finished_at, r.error_message
      FROM reporting.job_runs r
     WHERE r.job_id = j.job_id
     ORDER BY r.scheduled_for DESC
     LIMIT 1) last ON true
 WHERE j.job_type = 'report'
 ORDER BY o.name, j.next_run_at NULLS LAST, report

-- internal.job_alert_rules(job, organization): the enabled alert rules that cover a job.
CREATE OR REPLACE FUNCTION internal.job_alert_rules(p_job_id bigint, p_organization_id uuid)
RETURNS SETOF reporting.job_alerts
LANGUAGE sql
STABLE
AS $fn$
  /*
   * A rule covers a job when it names the job, or names no job and has the
   * job's organization (both NULL: every system job). The one statement of
   * that rule for every place that asks (ending an attempt, completing a
   * batch, raising events, the missed-run check); a single SELECT, so the
   * planner inlines it into the caller's query.
   */
  SELECT a.*
    FROM reporting.job_alerts a
   WHERE a.enabled
     AND (a.job_id = p_job_id
          OR (a.job_id IS NULL AND a.organization_id IS NOT DISTINCT FROM p_organization_id))
$fn$;

COMMENT ON FUNCTION internal.job_alert_rules(bigint, uuid) IS
  'The enabled reporting.job_alerts rules covering job p_job_id of organization p_organization_id: the job''s own, and its organization''s (or the system''s) rules for every job.';
REVOKE ALL ON FUNCTION internal.job_alert_rules(bigint, uuid) FROM PUBLIC;

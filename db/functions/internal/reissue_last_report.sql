-- internal.reissue_last_report(job, scheduled_for, run, sqlstate, message): after a report failed for good, send the last good one, marked stale.
CREATE OR REPLACE FUNCTION internal.reissue_last_report(
  p_job           reporting.scheduled_jobs,
  p_scheduled_for timestamptz,
  p_run_id        bigint,
  p_sqlstate      text,
  p_message       text
)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_failed bigint[];
  v_count  integer;
BEGIN
  /*
   * Seed 001's "fallback to previous successful report". Called by
   * internal.end_attempt when a report job's run has failed its last
   * attempt, whoever ran it. For each organization the job served: a failed
   * row records the generation that did not happen (period, error), then
   * internal.reissue_previous_report issues the latest good report of the
   * same template key and scope for an earlier period again, stale. With no
   * earlier report only the failed row is written. The failure itself raises
   * the job's failure alert. Returns the stale rows written.
   */
  WITH target AS (
    SELECT t.organization_id, t.template_id, t.template_key, t.version, t.formats, t.schedule_timezone,
           (p_job.payload -> 'filters' ->> 'venue_id')::bigint AS venue_id,
           coalesce(p_job.payload -> 'filters', '{}') AS filters, p.period_start, p.period_end
      FROM reporting.report_templates t
     CROSS JOIN LATERAL internal.report_job_period(t.organization_id, t.period_kind, p_scheduled_for,
                                                   p_job.payload -> 'filters') p
     WHERE t.template_key = p_job.payload ->> 'template_key' AND t.status = 'active'
       AND (p_job.organization_id IS NULL OR t.organization_id = p_job.organization_id)
  ), failed AS (
    INSERT INTO reporting.report_generation_history
           (organization_id, template_id, template_key, template_version, venue_id, filters, period_start,
            period_end, timezone, formats, priority, status, request_key, job_id, run_id,
            error_sqlstate, error_message, requested_by, failed_at)
    SELECT g.organization_id, g.template_id, g.template_key, g.version, g.venue_id, g.filters, g.period_start,
           g.period_end, g.schedule_timezone, g.formats, p_job.priority, 'failed',
           md5(concat_ws('|', g.template_id, g.venue_id, g.period_start, g.period_end)), p_job.job_id, p_run_id,
           p_sqlstate, coalesce(p_message, 'failed'), internal.current_actor(), clock_timestamp()
      FROM target g
    RETURNING generation_id
  )
  SELECT array_agg(f.generation_id) INTO v_failed FROM failed f;
  -- A statement of its own: the failed rows must be visible to the re-issue.
  SELECT count(internal.reissue_previous_report(
           h.organization_id, h.generation_id,
           format('generated (%s: %s)', coalesce(p_sqlstate, '?'), coalesce(p_message, 'failed'))))
    INTO v_count
    FROM reporting.report_generation_history h
   WHERE h.generation_id = ANY (v_failed);
  RETURN v_count;
END
$fn$;

COMMENT ON FUNCTION internal.reissue_last_report(reporting.scheduled_jobs, timestamptz, bigint, text, text) IS
  'After a report job''s run failed for good: records the failed generation and re-issues the latest good snapshot of the same template and scope, marked stale with the reason.';
REVOKE ALL ON FUNCTION internal.reissue_last_report(reporting.scheduled_jobs, timestamptz, bigint, text, text) FROM PUBLIC;

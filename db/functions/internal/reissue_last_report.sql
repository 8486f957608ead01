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
  v_count integer;
BEGIN
  /*
   * Seed 001's "fallback to previous successful report". Called by api.work
   * when a report job's run has failed its last attempt. For each
   * organization the job served: a failed row records the generation that
   * did not happen (period, error), and the latest good snapshot of the
   * same template key and scope (venue filter) for an earlier period is
   * issued again as a new
   * data_ready row, is_stale with the reason and reissue_of pointing at the
   * original, its snapshot carrying the same "stale" note for the reader;
   * the renderer renders and delivers it like any other. With no earlier
   * report there is nothing to re-issue: only the failed row is written.
   * The failure itself raises the job's failure alert (the report jobs
   * get a failure rule when they are created). Returns the stale rows written.
   */
  WITH target AS (
    SELECT t.organization_id, t.template_id, t.template_key, t.version, t.formats, t.schedule_timezone,
           (p_job.payload -> 'filters' ->> 'venue_id')::bigint AS venue_id,
           coalesce(p_job.payload -> 'filters', '{}') AS filters, p.period_start, p.period_end
      FROM reporting.report_templates t
      LEFT JOIN LATERAL (
        SELECT v.trading_day_starts FROM venue.venues v
         WHERE v.organization_id = t.organization_id
           AND (NOT p_job.payload -> 'filters' ? 'venue_id'
                OR v.venue_id = (p_job.payload -> 'filters' ->> 'venue_id')::bigint)
         ORDER BY v.venue_id LIMIT 1) v ON true
     CROSS JOIN LATERAL internal.report_period(t.period_kind, p_scheduled_for, p_job.timezone,
                                               coalesce(v.trading_day_starts, time '06:00')) p
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
    RETURNING organization_id, generation_id, template_key, venue_id, period_start, period_end
  ), previous AS (
    SELECT f.generation_id AS failed_id, f.period_start AS failed_start, f.period_end AS failed_end, h.*
      FROM failed f
     CROSS JOIN LATERAL (
       SELECT h.*
         FROM reporting.report_generation_history h
        WHERE h.organization_id = f.organization_id AND h.template_key = f.template_key
          AND h.venue_id IS NOT DISTINCT FROM f.venue_id
          AND h.status IN ('data_ready', 'rendering', 'completed') AND NOT h.is_stale
          AND h.period_end < f.period_start
        ORDER BY h.period_end DESC, h.requested_at DESC, h.generation_id DESC
        LIMIT 1) h
  ), reissued AS (
    INSERT INTO reporting.report_generation_history
           (organization_id, template_id, template_key, template_version, venue_id, filters, period_start,
            period_end, timezone, formats, priority, status, request_key, data_version, job_id, run_id,
            snapshot, summary, warnings, data_rows, snapshot_bytes, is_stale, stale_reason, reissue_of,
            requested_by, data_ready_at, generation_ms)
    SELECT p.organization_id, p.template_id, p.template_key, p.template_version, p.venue_id, p.filters,
           p.period_start, p.period_end, p.timezone, p.formats, p.priority, 'data_ready', p.request_key,
           p.data_version, p_job.job_id, p_run_id,
           p.snapshot || jsonb_build_object('stale', jsonb_build_object(
             'reason', r.reason, 'failed_generation_id', p.failed_id, 'reissue_of', p.generation_id)),
           p.summary, p.warnings, p.data_rows, p.snapshot_bytes, true, r.reason, p.generation_id,
           internal.current_actor(), clock_timestamp(), 0
      FROM previous p
     CROSS JOIN LATERAL (SELECT format(
             'The report for %s to %s could not be generated (%s: %s); this is the last good report, for %s to %s.',
             p.failed_start, p.failed_end, coalesce(p_sqlstate, '?'), coalesce(p_message, 'failed'),
             p.period_start, p.period_end) AS reason) r
    RETURNING 1
  )
  SELECT count(*) INTO v_count FROM reissued;
  IF v_count > 0 THEN
    PERFORM pg_notify('nightcap_reports', 'data_ready');
  END IF;
  RETURN v_count;
END
$fn$;

COMMENT ON FUNCTION internal.reissue_last_report(reporting.scheduled_jobs, timestamptz, bigint, text, text) IS
  'After a report job''s run failed for good: records the failed generation and re-issues the latest good snapshot of the same template and scope, marked stale with the reason.';
REVOKE ALL ON FUNCTION internal.reissue_last_report(reporting.scheduled_jobs, timestamptz, bigint, text, text) FROM PUBLIC;

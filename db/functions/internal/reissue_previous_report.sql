-- internal.reissue_previous_report(organization, failed generation, reason): the last good report again, marked stale.
CREATE OR REPLACE FUNCTION internal.reissue_previous_report(
  p_organization_id uuid,
  p_failed_id       bigint,
  p_reason          text
)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_failed reporting.report_generation_history;
  v_reason text;
  v_id     bigint;
BEGIN
  /*
   * Seed 001's "fallback to previous successful report", for a report that
   * could not be made (its data, by internal.reissue_last_report) or could
   * not be rendered (api.fail_report, internal.reclaim_expired_reports):
   * the latest good snapshot of the same template key and scope (venue
   * filter) for an earlier period is issued again as a new data_ready row of
   * the same job and run, is_stale with the reason and reissue_of pointing
   * at the original; its snapshot carries the same "stale" note for the
   * reader, and the renderer renders and delivers it like any other.
   * Returns the new row's id, or NULL when there is no earlier report.
   */
  SELECT * INTO v_failed
    FROM reporting.report_generation_history h
   WHERE h.organization_id = p_organization_id AND h.generation_id = p_failed_id;
  INSERT INTO reporting.report_generation_history AS n
         (organization_id, template_id, template_key, template_version, venue_id, filters, period_start,
          period_end, timezone, formats, priority, status, request_key, data_version, job_id, run_id,
          snapshot, summary, warnings, data_rows, snapshot_bytes, is_stale, stale_reason, reissue_of,
          requested_by, data_ready_at, generation_ms)
  SELECT p.organization_id, p.template_id, p.template_key, p.template_version, p.venue_id, p.filters,
         p.period_start, p.period_end, p.timezone, p.formats, p.priority, 'data_ready', p.request_key,
         p.data_version, v_failed.job_id, v_failed.run_id,
         p.snapshot || jsonb_build_object('stale', jsonb_build_object(
           'reason', r.reason, 'failed_generation_id', p_failed_id, 'reissue_of', p.generation_id)),
         p.summary, p.warnings, p.data_rows, p.snapshot_bytes, true, r.reason, p.generation_id,
         internal.current_actor(), clock_timestamp(), 0
    FROM (SELECT h.*
            FROM reporting.report_generation_history h
           WHERE h.organization_id = p_organization_id AND h.template_key = v_failed.template_key
             AND h.venue_id IS NOT DISTINCT FROM v_failed.venue_id
             AND h.status IN ('data_ready', 'rendering', 'completed') AND NOT h.is_stale
             AND h.snapshot IS NOT NULL  -- retention may have removed it
             AND h.period_end < v_failed.period_start
           ORDER BY h.period_end DESC, h.requested_at DESC, h.generation_id DESC
           LIMIT 1) p
   CROSS JOIN LATERAL (SELECT format(
           'The report for %s to %s could not be %s; this is the last good report, for %s to %s.',
           v_failed.period_start, v_failed.period_end, p_reason, p.period_start, p.period_end) AS reason) r
  RETURNING n.generation_id INTO v_id;
  IF v_id IS NOT NULL THEN
    PERFORM pg_notify('nightcap_reports', 'data_ready');
  END IF;
  RETURN v_id;
END
$fn$;

COMMENT ON FUNCTION internal.reissue_previous_report(uuid, bigint, text) IS
  'Issues the latest good earlier report of the same template and scope again, marked stale with the reason, for a report that failed for good; returns its id or NULL.';
REVOKE ALL ON FUNCTION internal.reissue_previous_report(uuid, bigint, text) FROM PUBLIC;

-- api.store_report_snapshot(...): stores on the primary a snapshot read by api.compute_report_snapshot.
-- Not SECURITY DEFINER: only the engine's login (a member of nightcap_owner) calls it; a client must not hand in report data.
CREATE OR REPLACE FUNCTION api.store_report_snapshot(
  p_template_key    text,
  p_organization_id uuid,
  p_period_start    date,
  p_period_end      date,
  p_filters         jsonb,
  p_formats         text[],
  p_priority        text,
  p_job_id          bigint,
  p_run_id          bigint,
  p_snapshot        jsonb
)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * The write half of api.generate_report (internal.generate_report with
   * p_snapshot): the same checks on the same arguments, then the snapshot
   * that api.compute_report_snapshot returned for them (perhaps on a hot
   * standby) is stored as data_ready, or the request recorded as skipped
   * when its warnings say there was no trading and the template skips
   * empty periods; NOTIFYs nightcap_reports; returns the generation_id.
   * Never from the cache: each stored read has its own row. The snapshot's
   * "read_from" ({"source": "standby"|"primary", "reason", ...}) is kept in
   * it and its source in the row's read_from column.
   *
   * Errors: those of api.generate_report; 22004 without a snapshot; 22023 a
   * snapshot of another request; 55000 a snapshot read from a template
   * version no longer active (read it again).
   */
  IF p_snapshot IS NULL THEN
    RAISE EXCEPTION 'store_report_snapshot needs the snapshot to store' USING ERRCODE = 'null_value_not_allowed',
      HINT = 'Pass what api.compute_report_snapshot returned.';
  END IF;
  RETURN internal.generate_report(p_template_key, p_organization_id, p_period_start, p_period_end,
                                  p_filters, p_formats, p_priority, p_job_id, p_run_id, false, p_snapshot);
END
$fn$;

COMMENT ON FUNCTION api.store_report_snapshot(text, uuid, date, date, jsonb, text[], text, bigint, bigint, jsonb) IS
  'Stores a snapshot computed by api.compute_report_snapshot (perhaps on a hot standby) as a report generation on the primary, with api.generate_report''s checks; returns its id.';
REVOKE ALL ON FUNCTION api.store_report_snapshot(text, uuid, date, date, jsonb, text[], text, bigint, bigint, jsonb) FROM PUBLIC;

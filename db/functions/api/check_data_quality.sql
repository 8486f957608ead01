-- api.check_data_quality(from, to [, organization]): re-run the data-quality checks of a date range.
CREATE OR REPLACE FUNCTION api.check_data_quality(
  p_from            date,
  p_to              date,
  p_organization_id uuid DEFAULT NULL
)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_orgs   uuid[];
  v_venues bigint[];
  v_dates  date[];
BEGIN
  /*
   * Runs internal.run_data_quality_checks for every venue-day from p_from to
   * p_to inclusive (of one organization when given), replacing the findings
   * of those days in reporting.data_quality_findings. Holds the aggregation
   * advisory lock: the anomaly checks read the daily rollups, and two runs
   * over the same days must not interleave their delete and insert.
   * Returns the findings written.
   */
  SELECT d.organization_ids, d.venue_ids, d.dates INTO v_orgs, v_venues, v_dates
    FROM internal.venue_days(p_from, p_to, p_organization_id) d;
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.aggregation'));
  IF v_orgs IS NULL THEN
    RETURN 0;
  END IF;
  RETURN internal.run_data_quality_checks(v_orgs, v_venues, v_dates);
END
$fn$;

COMMENT ON FUNCTION api.check_data_quality(date, date, uuid) IS
  'Re-runs the data-quality checks (validation.*, completeness.*, anomaly.*) for every venue-day in [p_from, p_to] (optionally of one organization), replacing their findings in reporting.data_quality_findings; returns the findings written. Raises 22004 (missing date), 22023 (p_to before p_from), P0002 (unknown organization).';
REVOKE ALL ON FUNCTION api.check_data_quality(date, date, uuid) FROM PUBLIC;

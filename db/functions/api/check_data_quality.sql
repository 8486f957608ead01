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
  IF p_from IS NULL OR p_to IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_from and p_to are required';
  END IF;
  IF p_to < p_from THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('p_to (%s) is before p_from (%s)', p_to, p_from),
      HINT = 'Swap the dates: p_from is the first day of the range.';
  END IF;
  IF p_organization_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM venue.organizations WHERE organization_id = p_organization_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('organization %s does not exist', p_organization_id);
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.aggregation'));

  SELECT array_agg(v.organization_id), array_agg(v.venue_id), array_agg(d::date)
    INTO v_orgs, v_venues, v_dates
    FROM venue.venues v
   CROSS JOIN generate_series(p_from, p_to, interval '1 day') AS d
   WHERE p_organization_id IS NULL OR v.organization_id = p_organization_id;
  IF v_orgs IS NULL THEN
    RETURN 0;
  END IF;
  RETURN internal.run_data_quality_checks(v_orgs, v_venues, v_dates);
END
$fn$;

COMMENT ON FUNCTION api.check_data_quality(date, date, uuid) IS
  'Re-runs the data-quality checks (validation.*, completeness.*, anomaly.*) for every venue-day in [p_from, p_to] (optionally of one organization), replacing their findings in reporting.data_quality_findings; returns the findings written. Raises 22004 (missing date), 22023 (p_to before p_from), P0002 (unknown organization).';
REVOKE ALL ON FUNCTION api.check_data_quality(date, date, uuid) FROM PUBLIC;

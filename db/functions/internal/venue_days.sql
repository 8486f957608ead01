-- internal.venue_days(from, to, organization): validated venue-days of a period, as parallel arrays.
CREATE OR REPLACE FUNCTION internal.venue_days(
  p_from            date,
  p_to              date,
  p_organization_id uuid,
  OUT organization_ids uuid[],
  OUT venue_ids        bigint[],
  OUT dates            date[]
)
LANGUAGE plpgsql
STABLE
AS $fn$
BEGIN
  /*
   * Every (organization, venue, business_date) from p_from to p_to inclusive,
   * of one organization or (NULL) of all, in the array form the aggregation
   * engine takes; NULL arrays when there is no venue. Raises 22004 (missing
   * date), 22023 (p_to before p_from), P0002 (unknown organization): the
   * checks shared by every api function that works on a period.
   */
  IF p_from IS NULL OR p_to IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_from and p_to are required';
  END IF;
  IF p_to < p_from THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('p_to (%s) is before p_from (%s)', p_to, p_from),
      HINT = 'Swap the dates: p_from is the first day of the range.';
  END IF;
  IF p_organization_id IS NOT NULL THEN
    PERFORM internal.require_organization(p_organization_id);
  END IF;
  SELECT array_agg(v.organization_id), array_agg(v.venue_id), array_agg(d::date)
    INTO organization_ids, venue_ids, dates
    FROM venue.venues v
   CROSS JOIN generate_series(p_from, p_to, interval '1 day') AS d
   WHERE p_organization_id IS NULL OR v.organization_id = p_organization_id;
END
$fn$;

COMMENT ON FUNCTION internal.venue_days(date, date, uuid) IS
  'Validates a period (22004, 22023, P0002) and returns its venue-days as parallel arrays for the aggregation engine.';
REVOKE ALL ON FUNCTION internal.venue_days(date, date, uuid) FROM PUBLIC;

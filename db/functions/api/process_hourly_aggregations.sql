-- api.process_hourly_aggregations([max_days]): re-aggregate the venue-days whose facts changed.
CREATE OR REPLACE FUNCTION api.process_hourly_aggregations(p_max_marks integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_orgs   uuid[];
  v_venues bigint[];
  v_dates  date[];
BEGIN
  /*
   * Takes marks from internal.aggregation_queue (all of them, or the oldest
   * p_max_marks; a venue-day may have several marks), deletes exactly those, and rebuilds the hourly and daily
   * rollups of their venue-days in the same transaction. Marks made by
   * transactions still running are not visible here and stay for the next
   * call, so nothing written late is missed; a failure rolls the marks back.
   * Runs one at a time (advisory lock); returns the venue-days rebuilt.
   */
  IF p_max_marks IS NOT NULL AND p_max_marks <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('p_max_marks must be positive, got %s', p_max_marks);
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.aggregation'));

  WITH taken AS (
    DELETE FROM internal.aggregation_queue q
     WHERE q.queue_id IN (SELECT queue_id FROM internal.aggregation_queue
                           ORDER BY queue_id LIMIT p_max_marks)
    RETURNING q.organization_id, q.venue_id, q.business_date
  ), days AS (
    SELECT DISTINCT organization_id, venue_id, business_date FROM taken
  )
  SELECT array_agg(organization_id), array_agg(venue_id), array_agg(business_date)
    INTO v_orgs, v_venues, v_dates
    FROM days;

  IF v_orgs IS NULL THEN
    RETURN 0;
  END IF;
  -- Hundreds of days queued at once means a bulk load, whose tables autovacuum
  -- may not have analyzed yet; plans made for empty tables took 100x longer.
  IF cardinality(v_orgs) > 500 THEN
    ANALYZE venue.bookings, venue.payments, venue.check_ins, venue.feedback, venue.events,
            venue.customers;
  END IF;
  RETURN internal.aggregate_venue_days(v_orgs, v_venues, v_dates);
END
$fn$;

COMMENT ON FUNCTION api.process_hourly_aggregations(integer) IS
  'Incremental aggregation: rebuilds the hourly and daily rollups of every venue-day queued by fact changes (or the oldest p_max_marks queue marks) and returns how many venue-days it rebuilt. Idempotent; safe to call every minute. Raises 22023 for p_max_marks <= 0.';
REVOKE ALL ON FUNCTION api.process_hourly_aggregations(integer) FROM PUBLIC;

-- api.process_daily_aggregations(timestamp): the seed's own call, verbatim.
CREATE OR REPLACE FUNCTION api.process_daily_aggregations(p_day timestamp without time zone)
RETURNS integer
LANGUAGE sql
AS $fn$
  /*
   * `SELECT process_daily_aggregations(CURRENT_DATE - interval '1 day');`
   * passes a timestamp (date minus interval); it means that date.
   */
  SELECT api.process_daily_aggregations(p_day::date, NULL::uuid)
$fn$;

COMMENT ON FUNCTION api.process_daily_aggregations(timestamp without time zone) IS
  'Same as process_daily_aggregations(date) for a timestamp such as CURRENT_DATE - interval ''1 day'' (seed 001''s example).';
REVOKE ALL ON FUNCTION api.process_daily_aggregations(timestamp without time zone) FROM PUBLIC;

-- internal.tg_mark_aggregation_dirty(): queue the venue-days a statement touched.
-- SECURITY DEFINER: the aggregation queue is the engine's: an admin writing venue facts through RLS queues their re-aggregation without any privilege on internal.aggregation_queue.
CREATE OR REPLACE FUNCTION internal.tg_mark_aggregation_dirty()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_col  text := TG_ARGV[0];
  v_rows text;
BEGIN
  /*
   * Statement-level AFTER INSERT / UPDATE / DELETE trigger on a fact table
   * (transition tables new_rows / old_rows); TG_ARGV[0] names the column
   * whose trading day the fact counts on (paid_at, arrives_at, ...), the
   * optional TG_ARGV[1] its event reference (event_id). Queues
   * each distinct (organization, venue, business_date) once per statement, in
   * the writer's own transaction: a late commit brings its mark with it. For
   * an UPDATE both the old and the new day are queued (a moved booking
   * changes two days).
   */
  -- The rows the statement touched, old and new: one SELECT over the
  -- transition tables the operation has, used by both inserts below.
  v_rows := (SELECT string_agg(format('SELECT organization_id, venue_id, %I AS at, %s AS event_id FROM %I',
                                      v_col, coalesce(quote_ident(TG_ARGV[1]), 'NULL::bigint'), t),
                               ' UNION ALL ')
               FROM unnest(CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows']
                                      WHEN 'DELETE' THEN ARRAY['old_rows']
                                      ELSE ARRAY['new_rows', 'old_rows'] END) AS t);
  -- Quarter-hours first: every zone's offset is a multiple of 15 minutes and
  -- trading days start on the hour, so all instants of a UTC quarter-hour
  -- share a trading day, and a bulk load converts a few thousand instants
  -- instead of millions.
  EXECUTE format(
    'INSERT INTO internal.aggregation_queue (organization_id, venue_id, business_date)'
    ' SELECT DISTINCT r.organization_id, r.venue_id,'
    '        internal.business_date(r.quarter, v.timezone, v.trading_day_starts)'
    '   FROM (SELECT DISTINCT organization_id, venue_id,'
    '                date_bin(interval ''15 minutes'', at, timestamptz ''2000-01-01 00:00+00'') AS quarter'
    '           FROM (%s) x) r'
    '   JOIN venue.venues v USING (organization_id, venue_id)'
    '  ORDER BY 1, 2, 3', v_rows);

  -- A fact that names its event (an advance ticket, a deposit, next-day
  -- feedback) also changes that event's night: queue the event's day too.
  -- Each distinct event is looked up by its key (OFFSET 0 keeps the lookup a
  -- per-key index probe): events written in the same transaction have no
  -- statistics yet, and a join the planner reorders around an estimate of
  -- one event rescanned the whole statement once per event (3.6 s for a
  -- million bookings of 1,540 nights instead of 0.3 s).
  IF TG_NARGS > 1 THEN
    EXECUTE format(
      'INSERT INTO internal.aggregation_queue (organization_id, venue_id, business_date)'
      ' SELECT DISTINCT e.organization_id, e.venue_id,'
      '        internal.business_date(e.starts_at, v.timezone, v.trading_day_starts)'
      '   FROM (SELECT DISTINCT organization_id, event_id FROM (%s) x WHERE event_id IS NOT NULL) r'
      '  CROSS JOIN LATERAL (SELECT ev.organization_id, ev.venue_id, ev.starts_at FROM venue.events ev'
      '                       WHERE ev.organization_id = r.organization_id AND ev.event_id = r.event_id'
      '                      OFFSET 0) e'
      '   JOIN venue.venues v ON v.organization_id = e.organization_id AND v.venue_id = e.venue_id'
      '  ORDER BY 1, 2, 3', v_rows);
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_mark_aggregation_dirty() IS
  'Statement trigger on fact tables: queues the venue-days a statement changed into internal.aggregation_queue, in the same transaction, and the days of the events the rows name. Arguments: the timestamp column the fact is counted by; optionally its event reference column.';
REVOKE ALL ON FUNCTION internal.tg_mark_aggregation_dirty() FROM PUBLIC;

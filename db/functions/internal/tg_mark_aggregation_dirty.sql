-- internal.tg_mark_aggregation_dirty(): queue the venue-days a statement touched.
CREATE OR REPLACE FUNCTION internal.tg_mark_aggregation_dirty()
RETURNS trigger
LANGUAGE plpgsql
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
  v_rows := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT organization_id, venue_id, %I AS at FROM new_rows', v_col)
    WHEN 'DELETE' THEN format('SELECT organization_id, venue_id, %I AS at FROM old_rows', v_col)
    ELSE format('SELECT organization_id, venue_id, %1$I AS at FROM new_rows'
                ' UNION SELECT organization_id, venue_id, %1$I FROM old_rows', v_col)
  END;
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
  IF TG_NARGS > 1 THEN
    v_rows := CASE TG_OP
      WHEN 'INSERT' THEN format('SELECT organization_id, %I AS event_id FROM new_rows', TG_ARGV[1])
      WHEN 'DELETE' THEN format('SELECT organization_id, %I AS event_id FROM old_rows', TG_ARGV[1])
      ELSE format('SELECT organization_id, %1$I AS event_id FROM new_rows'
                  ' UNION SELECT organization_id, %1$I FROM old_rows', TG_ARGV[1])
    END;
    EXECUTE format(
      'INSERT INTO internal.aggregation_queue (organization_id, venue_id, business_date)'
      ' SELECT DISTINCT e.organization_id, e.venue_id,'
      '        internal.business_date(e.starts_at, v.timezone, v.trading_day_starts)'
      '   FROM (SELECT DISTINCT organization_id, event_id FROM (%s) x WHERE event_id IS NOT NULL) r'
      '   JOIN venue.events e USING (organization_id, event_id)'
      '   JOIN venue.venues v ON v.organization_id = e.organization_id AND v.venue_id = e.venue_id'
      '  ORDER BY 1, 2, 3', v_rows);
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_mark_aggregation_dirty() IS
  'Statement trigger on fact tables: queues the venue-days a statement changed into internal.aggregation_queue, in the same transaction, and the days of the events the rows name. Arguments: the timestamp column the fact is counted by; optionally its event reference column.';
REVOKE ALL ON FUNCTION internal.tg_mark_aggregation_dirty() FROM PUBLIC;

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
   * whose trading day the fact counts on (paid_at, arrives_at, ...). Queues
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
  EXECUTE format(
    'INSERT INTO internal.aggregation_queue (organization_id, venue_id, business_date)'
    ' SELECT DISTINCT r.organization_id, r.venue_id,'
    '        internal.business_date(r.at, v.timezone, v.trading_day_starts)'
    '   FROM (%s) r JOIN venue.venues v USING (organization_id, venue_id)'
    '  ORDER BY 1, 2, 3', v_rows);
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_mark_aggregation_dirty() IS
  'Statement trigger on fact tables: queues the venue-days a statement changed into internal.aggregation_queue, in the same transaction. Argument: the timestamp column the fact is counted by.';
REVOKE ALL ON FUNCTION internal.tg_mark_aggregation_dirty() FROM PUBLIC;

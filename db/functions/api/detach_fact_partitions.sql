-- api.detach_fact_partitions(before): retention by month: old partitions of the fact tables out of use.
CREATE OR REPLACE FUNCTION api.detach_fact_partitions(p_before date)
RETURNS TABLE (fact_table text, archived_as text, month_start date, rows_kept bigint)
LANGUAGE plpgsql
VOLATILE
AS $fn$
DECLARE
  v_part  record;
  v_rows  bigint;
BEGIN
  /*
   * Detaches every monthly partition of venue.payments and venue.check_ins
   * that lies wholly before p_before (its UTC month ends on or before
   * p_before) and moves it to the archive schema under the same name.
   *
   * Detaching is not dropping: the rows stay, in archive.<partition>, a
   * plain table with its indexes, still owned by nightcap_owner and closed to
   * clients. They are no longer part of the fact tables, so no query,
   * report, KPI, live figure or aggregation reads them again; the hourly and
   * daily aggregations already made from them stay as they are (reports of
   * those days keep their figures) unless those days are rebuilt from the
   * facts (api.rebuild_aggregations), which would then find nothing. To
   * bring a month back: ALTER TABLE archive.<name> SET SCHEMA venue, then
   * ALTER TABLE venue.payments ATTACH PARTITION venue.<name> FOR VALUES
   * FROM (...) TO (...). To get rid of it: dump it, then DROP TABLE.
   * The DEFAULT partition is never detached. Each detach is written to the
   * audit log (fact_partition.detached). Takes an ACCESS EXCLUSIVE lock on
   * the fact table for the transaction.
   *
   * The tables' owner only (a DBA, a maintenance job): granted to nobody.
   * Returns one row per partition detached. 22004 without p_before; 22023
   * when p_before is after the first day of the current month (that would
   * take this month's facts out of use).
   */
  IF p_before IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_before is missing',
      HINT = 'Partitions of months that end on or before this date are detached.';
  END IF;
  IF p_before > date_trunc('month', current_date)::date THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('p_before %s is after the start of the current month', p_before),
      HINT = format('Use %s or earlier: the current month''s facts stay in use.', date_trunc('month', current_date)::date);
  END IF;

  FOR v_part IN
    SELECT p.relname::text AS parent, c.relname::text AS partition,
           to_date(substring(c.relname FROM '_p(\d{4}_\d{2})$'), 'YYYY_MM') AS month_start
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
     WHERE i.inhparent IN ('venue.payments'::regclass, 'venue.check_ins'::regclass)
       AND c.relname ~ '_p\d{4}_\d{2}$'
     ORDER BY 3, 1
  LOOP
    CONTINUE WHEN (v_part.month_start + interval '1 month')::date > p_before;
    IF to_regclass(format('archive.%I', v_part.partition)) IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'duplicate_table',
        MESSAGE = format('archive.%I already exists', v_part.partition),
        HINT = 'Drop or rename the archived table of that month first.';
    END IF;
    EXECUTE format('ALTER TABLE venue.%I DETACH PARTITION venue.%I', v_part.parent, v_part.partition);
    EXECUTE format('ALTER TABLE venue.%I SET SCHEMA archive', v_part.partition);
    EXECUTE format('SELECT count(*) FROM archive.%I', v_part.partition) INTO v_rows;
    EXECUTE format('COMMENT ON TABLE archive.%I IS %L', v_part.partition,
                   format('Detached from venue.%s on %s (api.detach_fact_partitions): the month from %s, %s rows. '
                          'No longer read by any query; dump and drop it, or attach it again.',
                          v_part.parent, current_date, v_part.month_start, v_rows));
    PERFORM internal.audit_event(NULL, 'fact_partition.detached', 'table', 'archive.' || v_part.partition,
                                 NULL, NULL, jsonb_build_object('from', 'venue.' || v_part.parent,
                                   'month_start', v_part.month_start, 'rows', v_rows));
    fact_table := 'venue.' || v_part.parent;
    archived_as := 'archive.' || v_part.partition;
    month_start := v_part.month_start;
    rows_kept := v_rows;
    RETURN NEXT;
  END LOOP;
END
$fn$;

COMMENT ON FUNCTION api.detach_fact_partitions(date) IS
  'Retention by month: detaches the monthly partitions of venue.payments and venue.check_ins that end on or before p_before and moves them, rows and all, to the archive schema, out of every query and report (already-made aggregations stay). Audited; one row per partition. Owner only. 22004, 22023.';
REVOKE ALL ON FUNCTION api.detach_fact_partitions(date) FROM PUBLIC;

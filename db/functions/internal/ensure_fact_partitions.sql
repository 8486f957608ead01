-- internal.ensure_fact_partitions(from, to): the monthly partitions of the fact tables for these dates.
CREATE OR REPLACE FUNCTION internal.ensure_fact_partitions(p_from date, p_to date)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
AS $fn$
DECLARE
  v_table  text;
  v_column text;
  v_month  date;
  v_name   text;
  v_lo     timestamptz;
  v_hi     timestamptz;
  v_moved  bigint;
  v_made   integer := 0;
BEGIN
  /*
   * Makes the partitions of venue.payments (by paid_at) and venue.check_ins
   * (by occurred_at) for every UTC month from p_from's to p_to's that has
   * none yet, as migration 0026 made the first ones: owned by nightcap_owner,
   * row-level security enabled and forced with only the owner's policy, no
   * grants (clients go through the parent, whose policies cover every
   * partition), a COMMENT. A month whose name is taken in the archive schema
   * (detached for retention) is made again: new rows for it are live facts.
   *
   * Rows of the month already in the DEFAULT partition are moved into the new
   * one in the same transaction (a partition cannot be made over rows the
   * default holds); that is a move within the table, so the parent's
   * triggers do not fire and nothing is marked dirty. Making a partition
   * takes an ACCESS EXCLUSIVE lock on the parent until commit: the system
   * job create_fact_partitions makes them months ahead, at night.
   *
   * Two callers making months: the second waits for the first's commit (an
   * advisory lock), then finds the months made and skips them.
   * So two demo loads beside each other wait for one another only when their
   * months have no partitions yet; bench/dataset.py makes them first.
   *
   * Needs the privileges of the tables' owner (a member of nightcap_owner):
   * the maintenance job, the demo-data generator, a DBA. Returns the number
   * of partitions made (0 when all exist).
   */
  IF p_from IS NULL OR p_to IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_from and p_to are required';
  END IF;
  IF p_to < p_from OR p_to - p_from > 3660 THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('from %s to %s is not a range of at most ten years', p_from, p_to);
  END IF;

  FOR v_table, v_column IN VALUES ('payments', 'paid_at'), ('check_ins', 'occurred_at') LOOP
    FOR v_month IN SELECT generate_series(date_trunc('month', p_from), date_trunc('month', p_to), interval '1 month')::date LOOP
      v_name := format('%s_p%s', v_table, to_char(v_month, 'YYYY_MM'));
      CONTINUE WHEN to_regclass(format('venue.%I', v_name)) IS NOT NULL;
      v_lo := (v_month || ' 00:00:00+00')::timestamptz;
      v_hi := ((v_month + interval '1 month')::date || ' 00:00:00+00')::timestamptz;

      -- One maker at a time, to the end of its transaction: two makers would
      -- each hold a lock on the parent the other's CREATE needs (deadlock).
      -- The second waits here for the first's commit; then the month's name
      -- is taken (its CREATE fails with 42P07, once the locks it takes have
      -- brought the catalog up to date): that month is made, go on.
      PERFORM pg_advisory_xact_lock(hashtext('nightcap.ensure_fact_partitions'));
      BEGIN
        EXECUTE format('CREATE TEMP TABLE fact_partition_move (LIKE venue.%I) ON COMMIT DROP', v_table);
        EXECUTE format('WITH moved AS (DELETE FROM venue.%1$I WHERE %2$I >= $1 AND %2$I < $2 RETURNING *)'
                       ' INSERT INTO fact_partition_move SELECT * FROM moved', v_table || '_default', v_column)
          USING v_lo, v_hi;
        GET DIAGNOSTICS v_moved = ROW_COUNT;
        EXECUTE format('CREATE TABLE venue.%I PARTITION OF venue.%I FOR VALUES FROM (%L) TO (%L)',
                       v_name, v_table, v_month || ' 00:00:00+00', (v_month + interval '1 month')::date || ' 00:00:00+00');
        IF v_moved > 0 THEN
          EXECUTE format('INSERT INTO venue.%I SELECT * FROM fact_partition_move', v_name);
        END IF;
        DROP TABLE fact_partition_move;

        EXECUTE format('COMMENT ON TABLE venue.%I IS %L', v_name,
                       format('Partition of venue.%s: %s in [%s, %s) UTC. Read and written through venue.%s.',
                              v_table, v_column, v_month, (v_month + interval '1 month')::date, v_table));
        EXECUTE format('ALTER TABLE venue.%I OWNER TO nightcap_owner', v_name);
        -- The owner's policy alone and no grants: no reader, no writer.
        PERFORM internal.set_tenant_access(format('venue.%I', v_name)::regclass, '{}');
        v_made := v_made + 1;
      EXCEPTION WHEN duplicate_table THEN
        NULL;
      END;
    END LOOP;
  END LOOP;
  RETURN v_made;
END
$fn$;

COMMENT ON FUNCTION internal.ensure_fact_partitions(date, date) IS
  'Makes the missing monthly partitions of venue.payments and venue.check_ins for the UTC months from p_from to p_to (moving any of their rows out of the DEFAULT partition); returns how many it made. Run by the create_fact_partitions job and the demo-data generator, as the tables'' owner. 22004, 22023.';
REVOKE ALL ON FUNCTION internal.ensure_fact_partitions(date, date) FROM PUBLIC;

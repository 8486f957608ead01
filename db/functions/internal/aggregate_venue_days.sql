-- internal.aggregate_venue_days(organizations, venues, dates): rebuild the rollups of these venue-days.
CREATE OR REPLACE FUNCTION internal.aggregate_venue_days(
  p_organization_ids uuid[],
  p_venue_ids        bigint[],
  p_dates            date[]
)
RETURNS integer
LANGUAGE plpgsql
-- Row estimates for a handful of venue-days come out in the millions, and JIT
-- then compiled each statement for about a second: it costs more than it saves.
SET jit = off
-- Each pass is planned with its own bounds (see pass 1), never generically.
SET plan_cache_mode = force_custom_plan
-- A whole history groups about a million quarter-hours per fact table: in
-- memory rather than spilled in partitions to disk.
SET work_mem = '256MB'
AS $fn$
DECLARE
  v_days integer;
  v_from timestamptz;
  v_to   timestamptz;
  v_pass record;
BEGIN
  /*
   * Recomputes reporting.hourly_aggregations and reporting.daily_aggregations
   * of the given venue-days (three parallel arrays) from the facts, replacing
   * what was there: running it twice gives the same rows. Then the event
   * analytics and data-quality checks of those days, and drops cached
   * results that covered them. Each venue-day is
   * the span [business_date + trading_day_starts, the next day's) in the
   * venue's time zone: 23 hours in spring, 25 in autumn. A few venue-days
   * are read by index ranges on (organization, venue, time) and cost
   * milliseconds however large the tables are; a whole history is read in
   * one sequential pass per fact table. Returns the venue-days processed.
   */
  CREATE TEMP TABLE agg_days ON COMMIT DROP AS
  SELECT DISTINCT u.organization_id, u.venue_id, u.business_date, v.timezone, v.trading_day_starts, v.capacity,
         (u.business_date + v.trading_day_starts) AT TIME ZONE v.timezone AS day_start,
         (u.business_date + 1 + v.trading_day_starts) AT TIME ZONE v.timezone AS day_end
    FROM unnest(p_organization_ids, p_venue_ids, p_dates) AS u(organization_id, venue_id, business_date)
    JOIN venue.venues v USING (organization_id, venue_id);
  GET DIAGNOSTICS v_days = ROW_COUNT;
  ANALYZE agg_days;
  SELECT min(day_start), max(day_end) INTO v_from, v_to FROM agg_days;

  -- Runs of consecutive requested days at a venue, each one time range.
  CREATE TEMP TABLE agg_ranges ON COMMIT DROP AS
  SELECT organization_id, venue_id, timezone, trading_day_starts,
         min(day_start) AS range_start, max(day_end) AS range_end
    FROM (SELECT d.*, d.business_date - (row_number() OVER (
                   PARTITION BY d.organization_id, d.venue_id ORDER BY d.business_date))::integer AS run
            FROM agg_days d) d
   GROUP BY organization_id, venue_id, timezone, trading_day_starts, run;
  ANALYZE agg_ranges;

  /*
   * Pass 1 reads the facts of the days in one sequential pass when they
   * cover most of their span (a first load, a repair of a whole history),
   * else by index, one range at a time: the planner cannot tell through a
   * join how much of a table a set of ranges covers, but it can from the
   * constants of each pass. Facts of other days read on the way are dropped
   * in pass 2.
   *
   * Each fact table is summed per venue and quarter-hour of UTC time
   * (date_bin is arithmetic; time-zone conversions per fact row cost more
   * than the rest of the rollup). Every local clock hour and trading day is
   * made of whole quarter-hours, since UTC offsets have been multiples of 15
   * minutes everywhere since 1972 and trading days start on the hour. The
   * people inside are a running sum over each pass, in scan order
   * (occurred_at, check_in_id, read presorted from check_ins_venue_scan_idx);
   * per quarter-hour it keeps the highest value.
   */
  CREATE TEMP TABLE agg_bins (
    organization_id uuid, venue_id bigint, bin timestamptz,
    total bigint, pending bigint, confirmed bigint, cancelled bigint, no_show bigint, completed bigint,
    covers bigint, birthdays bigint, anniversaries bigint, parties bigint, party_size_sum bigint,
    table_bookings bigint, gross numeric, refunds numeric, deposits numeric, bar numeric, tables numeric,
    tickets numeric, succeeded bigint, failed bigint, range_start timestamptz, ins bigint, outs bigint,
    inside_max bigint, feedback bigint, rating_sum bigint) ON COMMIT DROP;
  FOR v_pass IN
    SELECT NULL::uuid AS organization_id, NULL::bigint AS venue_id, v_from AS lo, v_to AS hi
     WHERE v_days >= 0.5 * (SELECT count(DISTINCT venue_id) FROM agg_ranges)
                         * extract(epoch FROM v_to - v_from) / 86400
    UNION ALL
    SELECT organization_id, venue_id, range_start, range_end FROM agg_ranges
     WHERE v_days < 0.5 * (SELECT count(DISTINCT venue_id) FROM agg_ranges)
                         * extract(epoch FROM v_to - v_from) / 86400
  LOOP
    IF v_pass.venue_id IS NULL THEN
      -- One pass over millions of rows: compiling its expressions pays.
      PERFORM set_config('jit', 'on', true);
    END IF;
    INSERT INTO agg_bins
    WITH b AS (
      SELECT x.organization_id, x.venue_id, date_bin('15 minutes', x.arrives_at, timestamptz '2000-01-01 00:00+00') AS bin,
             count(*) AS total,
             count(*) FILTER (WHERE x.status = 'pending') AS pending,
             count(*) FILTER (WHERE x.status = 'confirmed') AS confirmed,
             count(*) FILTER (WHERE x.status = 'cancelled') AS cancelled,
             count(*) FILTER (WHERE x.status = 'no_show') AS no_show,
             count(*) FILTER (WHERE x.status = 'completed') AS completed,
             sum(x.party_size) FILTER (WHERE x.status IN ('confirmed', 'completed')) AS covers,
             count(*) FILTER (WHERE x.occasion = 'birthday' AND x.status <> 'cancelled') AS birthdays,
             count(*) FILTER (WHERE x.occasion = 'anniversary' AND x.status <> 'cancelled') AS anniversaries,
             count(*) FILTER (WHERE x.status <> 'cancelled') AS parties,
             sum(x.party_size) FILTER (WHERE x.status <> 'cancelled') AS party_size_sum,
             count(x.table_id) FILTER (WHERE x.status <> 'cancelled') AS table_bookings
        FROM venue.bookings x
       WHERE x.arrives_at >= v_pass.lo AND x.arrives_at < v_pass.hi
         AND (x.organization_id, x.venue_id) IN (
               SELECT organization_id, venue_id FROM agg_ranges
                WHERE v_pass.venue_id IS NULL
                   OR (organization_id, venue_id) = (v_pass.organization_id, v_pass.venue_id))
       GROUP BY 1, 2, 3
    ), p AS (
      SELECT x.organization_id, x.venue_id, date_bin('15 minutes', x.paid_at, timestamptz '2000-01-01 00:00+00') AS bin,
             sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind <> 'refund') AS gross,
             sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'refund') AS refunds,
             sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'deposit') AS deposits,
             sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'bar') AS bar,
             sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'table') AS tables,
             sum(x.amount) FILTER (WHERE x.status = 'succeeded' AND x.kind = 'ticket') AS tickets,
             count(*) FILTER (WHERE x.status = 'succeeded') AS succeeded,
             count(*) FILTER (WHERE x.status = 'failed') AS failed
        FROM venue.payments x
       WHERE x.paid_at >= v_pass.lo AND x.paid_at < v_pass.hi
         AND (x.organization_id, x.venue_id) IN (
               SELECT organization_id, venue_id FROM agg_ranges
                WHERE v_pass.venue_id IS NULL
                   OR (organization_id, venue_id) = (v_pass.organization_id, v_pass.venue_id))
       GROUP BY 1, 2, 3
    ), scans AS (
      SELECT x.organization_id, x.venue_id, x.occurred_at, x.direction, x.people,
             sum(CASE x.direction WHEN 'in' THEN x.people ELSE -x.people END)
               OVER (PARTITION BY x.organization_id, x.venue_id
                     ORDER BY x.occurred_at, x.check_in_id ROWS UNBOUNDED PRECEDING) AS inside
        FROM venue.check_ins x
       WHERE x.occurred_at >= v_pass.lo AND x.occurred_at < v_pass.hi
         AND (x.organization_id, x.venue_id) IN (
               SELECT organization_id, venue_id FROM agg_ranges
                WHERE v_pass.venue_id IS NULL
                   OR (organization_id, venue_id) = (v_pass.organization_id, v_pass.venue_id))
    ), c AS (
      SELECT organization_id, venue_id, date_bin('15 minutes', occurred_at, timestamptz '2000-01-01 00:00+00') AS bin,
             v_pass.lo AS range_start,
             sum(people) FILTER (WHERE direction = 'in') AS ins,
             sum(people) FILTER (WHERE direction = 'out') AS outs,
             max(inside) AS inside_max
        FROM scans
       GROUP BY 1, 2, 3
    ), f AS (
      SELECT x.organization_id, x.venue_id, date_bin('15 minutes', x.submitted_at, timestamptz '2000-01-01 00:00+00') AS bin,
             count(*) AS feedback, sum(x.rating) AS rating_sum
        FROM venue.feedback x
       WHERE x.submitted_at >= v_pass.lo AND x.submitted_at < v_pass.hi
         AND (x.organization_id, x.venue_id) IN (
               SELECT organization_id, venue_id FROM agg_ranges
                WHERE v_pass.venue_id IS NULL
                   OR (organization_id, venue_id) = (v_pass.organization_id, v_pass.venue_id))
       GROUP BY 1, 2, 3
    )
    SELECT organization_id, venue_id, bin,
           max(total) AS total, max(pending) AS pending, max(confirmed) AS confirmed,
           max(cancelled) AS cancelled, max(no_show) AS no_show, max(completed) AS completed,
           max(covers) AS covers, max(birthdays) AS birthdays, max(anniversaries) AS anniversaries,
           max(parties) AS parties, max(party_size_sum) AS party_size_sum, max(table_bookings) AS table_bookings,
           max(gross) AS gross, max(refunds) AS refunds, max(deposits) AS deposits, max(bar) AS bar,
           max(tables) AS tables, max(tickets) AS tickets, max(succeeded) AS succeeded, max(failed) AS failed,
           max(range_start) AS range_start, max(ins) AS ins, max(outs) AS outs, max(inside_max) AS inside_max,
           max(feedback) AS feedback, max(rating_sum) AS rating_sum
      FROM (SELECT organization_id, venue_id, bin, total, pending, confirmed, cancelled, no_show, completed,
                   covers, birthdays, anniversaries, parties, party_size_sum, table_bookings,
                   NULL::numeric AS gross, NULL::numeric AS refunds, NULL::numeric AS deposits,
                   NULL::numeric AS bar, NULL::numeric AS tables, NULL::numeric AS tickets,
                   NULL::bigint AS succeeded, NULL::bigint AS failed, NULL::timestamptz AS range_start,
                   NULL::bigint AS ins, NULL::bigint AS outs, NULL::bigint AS inside_max,
                   NULL::bigint AS feedback, NULL::bigint AS rating_sum
              FROM b
            UNION ALL
            SELECT organization_id, venue_id, bin, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, gross, refunds, deposits, bar, tables, tickets, succeeded, failed,
                   NULL, NULL, NULL, NULL, NULL, NULL
              FROM p
            UNION ALL
            SELECT organization_id, venue_id, bin, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   range_start, ins, outs, inside_max, NULL, NULL
              FROM c
            UNION ALL
            SELECT organization_id, venue_id, bin, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, NULL, feedback, rating_sum
              FROM f) facts
     GROUP BY 1, 2, 3;
  END LOOP;
  PERFORM set_config('jit', 'off', true);
  ANALYZE agg_bins;

  /*
   * Pass 2: each quarter-hour's local clock hour and trading day (time-zone
   * arithmetic once per quarter-hour, not per fact), and the people inside
   * counted from the start of the trading day: the running sum at the day's
   * first quarter-hour with scans, less that quarter-hour's own scans, is
   * what was inside when the day began.
   */
  CREATE TEMP TABLE agg_quarters ON COMMIT DROP AS
  WITH running AS (
    SELECT q.*, sum(coalesce(q.ins, 0) - coalesce(q.outs, 0)) OVER (
             PARTITION BY q.organization_id, q.venue_id, q.range_start ORDER BY q.bin) AS inside_end
      FROM agg_bins q
  ), placed AS (
    SELECT q.*, internal.hour_bucket(q.bin, r.timezone) AS hour_start,
           internal.business_date(q.bin, r.timezone, r.trading_day_starts) AS business_date
      FROM running q
      JOIN agg_ranges r
        ON r.organization_id = q.organization_id AND r.venue_id = q.venue_id
       AND q.bin >= r.range_start AND q.bin < r.range_end
  )
  SELECT p.*,
         first_value(CASE WHEN p.range_start IS NOT NULL
                          THEN p.inside_end - coalesce(p.ins, 0) + coalesce(p.outs, 0) END) OVER (
           PARTITION BY p.organization_id, p.venue_id, p.business_date
           ORDER BY p.range_start IS NULL, p.bin) AS inside_at_day_start
    FROM placed p;
  ANALYZE agg_quarters;

  DELETE FROM reporting.hourly_aggregations h
   USING agg_days d
   WHERE h.organization_id = d.organization_id AND h.venue_id = d.venue_id
     AND h.business_date = d.business_date;

  CREATE TEMP TABLE agg_hours ON COMMIT DROP AS
  WITH hours AS (
    SELECT q.organization_id, q.venue_id, q.hour_start, q.business_date, d.timezone,
           coalesce(sum(q.total), 0) AS total, coalesce(sum(q.pending), 0) AS pending,
           coalesce(sum(q.confirmed), 0) AS confirmed, coalesce(sum(q.cancelled), 0) AS cancelled,
           coalesce(sum(q.no_show), 0) AS no_show, coalesce(sum(q.completed), 0) AS completed,
           coalesce(sum(q.covers), 0) AS covers, coalesce(sum(q.birthdays), 0) AS birthdays,
           coalesce(sum(q.anniversaries), 0) AS anniversaries,
           coalesce(sum(q.gross), 0) AS gross, coalesce(sum(q.refunds), 0) AS refunds,
           coalesce(sum(q.deposits), 0) AS deposits, coalesce(sum(q.bar), 0) AS bar,
           coalesce(sum(q.tables), 0) AS tables, coalesce(sum(q.tickets), 0) AS tickets,
           coalesce(sum(q.succeeded), 0) AS succeeded, coalesce(sum(q.failed), 0) AS failed,
           coalesce(sum(q.ins), 0) AS ins, coalesce(sum(q.outs), 0) AS outs,
           max(q.inside_max - q.inside_at_day_start) AS peak_in_hour,
           coalesce(sum(q.feedback), 0) AS feedback, coalesce(sum(q.rating_sum), 0) AS rating_sum
      FROM agg_quarters q
      JOIN agg_days d USING (organization_id, venue_id, business_date)
     GROUP BY 1, 2, 3, 4, 5
  ), ended AS (
    SELECT h.*, sum(h.ins - h.outs) OVER (
             PARTITION BY h.organization_id, h.venue_id, h.business_date ORDER BY h.hour_start) AS inside_at_end
      FROM hours h
  )
  SELECT organization_id, venue_id, hour_start, business_date,
         extract(hour FROM hour_start AT TIME ZONE timezone)::smallint AS local_hour,
         total AS bookings_total, pending AS bookings_pending, confirmed AS bookings_confirmed,
         cancelled AS bookings_cancelled, no_show AS bookings_no_show, completed AS bookings_completed,
         covers, birthdays, anniversaries,
         gross AS gross_revenue, refunds, gross - refunds AS net_revenue, deposits, bar AS bar_revenue,
         tables AS table_revenue, tickets AS ticket_revenue, succeeded AS payments_succeeded,
         failed AS payments_failed, ins AS check_ins, outs AS check_outs, inside_at_end AS occupancy_end,
         coalesce(peak_in_hour, inside_at_end) AS peak_occupancy, feedback AS feedback_count, rating_sum
    FROM ended;
  ANALYZE agg_hours;

  INSERT INTO reporting.hourly_aggregations (
    organization_id, venue_id, hour_start, business_date, local_hour,
    bookings_total, bookings_pending, bookings_confirmed, bookings_cancelled, bookings_no_show,
    bookings_completed, covers, birthdays, anniversaries,
    gross_revenue, refunds, net_revenue, deposits, bar_revenue, table_revenue, ticket_revenue,
    payments_succeeded, payments_failed,
    check_ins, check_outs, occupancy_end, peak_occupancy, feedback_count, rating_sum)
  SELECT * FROM agg_hours;

  -- Who came, and to which table, per day: the bookings again, placed in
  -- their trading day through their quarter-hour.
  CREATE TEMP TABLE agg_visits ON COMMIT DROP AS
  SELECT DISTINCT q.organization_id, q.venue_id, q.business_date, x.customer_id, x.table_id
    FROM agg_ranges r
    JOIN venue.bookings x
      ON x.organization_id = r.organization_id AND x.venue_id = r.venue_id
     AND x.arrives_at >= r.range_start AND x.arrives_at < r.range_end
    JOIN agg_quarters q
      ON q.organization_id = x.organization_id AND q.venue_id = x.venue_id
     AND q.bin = date_bin('15 minutes', x.arrives_at, timestamptz '2000-01-01 00:00+00')
   WHERE x.arrives_at >= v_from AND x.arrives_at < v_to
     AND x.status <> 'cancelled' AND (x.customer_id IS NOT NULL OR x.table_id IS NOT NULL);
  ANALYZE agg_visits;

  -- The day: sums of its hours, plus what does not add up hour by hour.
  DELETE FROM reporting.daily_aggregations a
   USING agg_days d
   WHERE a.organization_id = d.organization_id AND a.venue_id = d.venue_id
     AND a.business_date = d.business_date;

  INSERT INTO reporting.daily_aggregations (
    organization_id, venue_id, business_date,
    bookings_total, bookings_pending, bookings_confirmed, bookings_cancelled, bookings_no_show,
    bookings_completed, covers, parties, party_size_sum, average_party_size, birthdays, anniversaries,
    gross_revenue, refunds, net_revenue, deposits, bar_revenue, table_revenue, ticket_revenue,
    payments_succeeded, payments_failed, customers_new, customers_returning, customers_vip,
    check_ins, check_outs, peak_occupancy, occupancy_rate, peak_hour, tables_used, table_turnover,
    feedback_count, rating_sum, average_rating)
  WITH hours AS (
    SELECT h.organization_id, h.venue_id, h.business_date,
           sum(h.bookings_total) AS bookings_total, sum(h.bookings_pending) AS bookings_pending,
           sum(h.bookings_confirmed) AS bookings_confirmed, sum(h.bookings_cancelled) AS bookings_cancelled,
           sum(h.bookings_no_show) AS bookings_no_show, sum(h.bookings_completed) AS bookings_completed,
           sum(h.covers) AS covers, sum(h.birthdays) AS birthdays, sum(h.anniversaries) AS anniversaries,
           sum(h.gross_revenue) AS gross_revenue, sum(h.refunds) AS refunds, sum(h.deposits) AS deposits,
           sum(h.bar_revenue) AS bar_revenue, sum(h.table_revenue) AS table_revenue,
           sum(h.ticket_revenue) AS ticket_revenue, sum(h.payments_succeeded) AS payments_succeeded,
           sum(h.payments_failed) AS payments_failed, sum(h.check_ins) AS check_ins,
           sum(h.check_outs) AS check_outs, greatest(max(h.peak_occupancy), 0) AS peak_occupancy,
           (array_agg(h.local_hour ORDER BY h.peak_occupancy DESC, h.hour_start)
              FILTER (WHERE h.check_ins > 0 OR h.check_outs > 0))[1] AS peak_hour,
           sum(h.feedback_count) AS feedback_count, sum(h.rating_sum) AS rating_sum
      FROM agg_hours h
     GROUP BY 1, 2, 3
  ), parties AS (
    SELECT organization_id, venue_id, business_date, sum(parties) AS parties,
           sum(party_size_sum) AS party_size_sum, sum(table_bookings) AS table_bookings
      FROM agg_quarters
     WHERE parties > 0
     GROUP BY 1, 2, 3
  ), day_customers AS (
    SELECT DISTINCT organization_id, venue_id, business_date, customer_id
      FROM agg_visits WHERE customer_id IS NOT NULL
  ), first_visits AS (
    SELECT x.organization_id, x.customer_id, min(x.arrives_at) AS first_arrival
      FROM venue.bookings x
     WHERE x.status <> 'cancelled' AND x.customer_id IS NOT NULL
       AND (x.organization_id, x.customer_id) IN (SELECT organization_id, customer_id FROM day_customers)
     GROUP BY 1, 2
  ), customers AS (
    SELECT c.organization_id, c.venue_id, c.business_date,
           count(*) FILTER (WHERE fv.first_arrival >= d.day_start) AS customers_new,
           count(*) FILTER (WHERE fv.first_arrival < d.day_start) AS customers_returning,
           count(*) FILTER (WHERE cu.is_vip) AS customers_vip
      FROM day_customers c
      JOIN agg_days d USING (organization_id, venue_id, business_date)
      JOIN first_visits fv USING (organization_id, customer_id)
      LEFT JOIN venue.customers cu USING (organization_id, customer_id)
     GROUP BY 1, 2, 3
  ), tables_used AS (
    SELECT organization_id, venue_id, business_date, count(DISTINCT table_id) AS tables_used
      FROM agg_visits WHERE table_id IS NOT NULL
     GROUP BY 1, 2, 3
  ), active_tables AS (
    SELECT t.organization_id, t.venue_id, count(*) AS how_many
      FROM venue.tables t
     WHERE t.is_active AND (t.organization_id, t.venue_id) IN (SELECT organization_id, venue_id FROM agg_ranges)
     GROUP BY 1, 2
  )
  SELECT h.organization_id, h.venue_id, h.business_date,
         h.bookings_total, h.bookings_pending, h.bookings_confirmed, h.bookings_cancelled,
         h.bookings_no_show, h.bookings_completed, h.covers,
         coalesce(pa.parties, 0), coalesce(pa.party_size_sum, 0),
         round(pa.party_size_sum::numeric / nullif(pa.parties, 0), 2),
         h.birthdays, h.anniversaries,
         h.gross_revenue, h.refunds, h.gross_revenue - h.refunds, h.deposits, h.bar_revenue,
         h.table_revenue, h.ticket_revenue, h.payments_succeeded, h.payments_failed,
         coalesce(cu.customers_new, 0), coalesce(cu.customers_returning, 0), coalesce(cu.customers_vip, 0),
         h.check_ins, h.check_outs, h.peak_occupancy,
         round(h.peak_occupancy::numeric / d.capacity, 4), h.peak_hour,
         coalesce(tu.tables_used, 0),
         CASE WHEN coalesce(t.how_many, 0) > 0
              THEN round(coalesce(pa.table_bookings, 0)::numeric / t.how_many, 2) ELSE 0 END,
         h.feedback_count, h.rating_sum,
         CASE WHEN h.feedback_count > 0 THEN round(h.rating_sum::numeric / h.feedback_count, 2) END
    FROM hours h
    JOIN agg_days d USING (organization_id, venue_id, business_date)
    LEFT JOIN parties pa USING (organization_id, venue_id, business_date)
    LEFT JOIN customers cu USING (organization_id, venue_id, business_date)
    LEFT JOIN tables_used tu USING (organization_id, venue_id, business_date)
    LEFT JOIN active_tables t USING (organization_id, venue_id);

  PERFORM internal.analyse_events(p_organization_ids, p_venue_ids, p_dates);
  PERFORM internal.run_data_quality_checks(p_organization_ids, p_venue_ids, p_dates);

  -- Cached results that covered these days are stale now: a new data version
  -- makes any computed before this commit unreachable, and the delete tidies.
  INSERT INTO internal.organization_data_versions AS dv (organization_id)
  SELECT DISTINCT organization_id FROM agg_days ORDER BY 1
  ON CONFLICT (organization_id) DO UPDATE SET version = dv.version + 1, changed_at = now();
  DELETE FROM reporting.report_metrics_cache c
   USING (SELECT organization_id, min(business_date) AS first_day, max(business_date) AS last_day
            FROM agg_days GROUP BY organization_id) d
   WHERE c.organization_id = d.organization_id
     AND (c.period_start IS NULL OR (c.period_start <= d.last_day AND c.period_end >= d.first_day));

  DROP TABLE agg_days, agg_ranges, agg_bins, agg_quarters, agg_hours, agg_visits;
  RETURN v_days;
END
$fn$;

COMMENT ON FUNCTION internal.aggregate_venue_days(uuid[], bigint[], date[]) IS
  'Rebuilds the hourly and daily rollups of the given venue-days from the facts (idempotent). The engine under api.process_hourly_aggregations, api.process_daily_aggregations and api.rebuild_aggregations.';
REVOKE ALL ON FUNCTION internal.aggregate_venue_days(uuid[], bigint[], date[]) FROM PUBLIC;

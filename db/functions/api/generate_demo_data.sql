-- api.generate_demo_data(organization, days, bookings per night, seed [, until]): realistic history.
CREATE OR REPLACE FUNCTION api.generate_demo_data(
  p_organization_id    uuid,
  p_days               integer,
  p_bookings_per_night integer,
  p_seed               bigint,
  p_until              date DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_until     date := coalesce(p_until, current_date - 1);
  v_from      date;
  v_currency  char(3);
  v_existing  bigint;
  v_clash     record;
  v_counts    jsonb;
  v_customers bigint;
  v_bookings  bigint;
  v_payments  bigint;
  v_check_ins bigint;
  v_feedback  bigint;
  v_shifts    bigint;
  v_rows      bigint;
  v_first_night bigint;
  v_messages  text;
  v_statistics_target text := current_setting('default_statistics_target');
  -- Looked up once: pg_get_serial_sequence() per row costs microseconds.
  v_event_seq    regclass := pg_get_serial_sequence('venue.events', 'event_id');
  v_booking_seq  regclass := pg_get_serial_sequence('venue.bookings', 'booking_id');
  v_customer_seq regclass := pg_get_serial_sequence('venue.customers', 'customer_id');
  v_payment_seq  regclass := pg_get_serial_sequence('venue.payments', 'payment_id');
BEGIN
  /*
   * Generates the trading history of every venue of an organization for the
   * p_days trading days ending on p_until (default: yesterday): the nights of
   * its weekly programme (a club's NOSTALGIA / LA FIESTA / SHHH!, a wedding
   * venue's weddings) with seasonal and weekday swings, customers old and new,
   * bookings (birthdays, anniversaries, cancellations, no-shows), deposits and
   * refunds (some landing days later), ticket, table and bar payments, door
   * and QR check-ins across midnight, feedback and staff shifts.
   *
   * p_bookings_per_night is the bookings of an ordinary Friday; other nights
   * and months scale from it. Everything is drawn from
   * internal.demo_random(p_seed, ...) keyed by venue ordinal, day and row
   * number (never by generated ids), so a seed always gives the same data, and
   * generating two periods one after the other gives the same rows as one run
   * over both. Set-based throughout: no loop over rows.
   *
   * Built for speed (a million bookings, 7.8 million rows): each fact table
   * is written by one or two INSERT ... SELECTs over two temporary tables
   * (the bookings, the walk-in groups); rosters are arrays picked by
   * subscript, not joins; ids are drawn in (night, row) order, so every index
   * fills from left to right; the set-based reference checks are skipped for
   * rows this function builds itself (see internal.tg_check_references). What
   * is left is mostly heap and index maintenance of the rows themselves.
   */
  IF p_organization_id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_organization_id is missing';
  END IF;
  IF p_days IS NULL OR p_bookings_per_night IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'p_days and p_bookings_per_night are required';
  END IF;
  IF p_seed IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed', MESSAGE = 'p_seed is missing',
      HINT = 'Any bigint: the same seed gives the same data.';
  END IF;
  IF p_days <= 0 OR p_days > 3660 THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('p_days must be between 1 and 3660, got %s', p_days);
  END IF;
  IF p_bookings_per_night < 0 OR p_bookings_per_night > 50000 THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('p_bookings_per_night must be between 0 and 50000, got %s', p_bookings_per_night);
  END IF;

  PERFORM internal.require_organization(p_organization_id);
  SELECT currency INTO v_currency FROM venue.organizations WHERE organization_id = p_organization_id;
  IF NOT EXISTS (SELECT 1 FROM venue.venues WHERE organization_id = p_organization_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
      MESSAGE = format('organization %s has no venues', p_organization_id),
      HINT = 'Create one with api.create_venue().';
  END IF;

  -- One generator per organization at a time; other organizations are untouched.
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.generate_demo_data'), hashtext(p_organization_id::text));
  v_from := v_until - p_days + 1;

  SELECT v.name, max(internal.business_date(e.starts_at, v.timezone, v.trading_day_starts)) AS last_day
    INTO v_clash
    FROM venue.events e
    JOIN venue.venues v USING (organization_id, venue_id)
   WHERE e.organization_id = p_organization_id
     AND internal.business_date(e.starts_at, v.timezone, v.trading_day_starts) BETWEEN v_from AND v_until
   GROUP BY v.name
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
      MESSAGE = format('%s already has events between %s and %s', v_clash.name, v_from, v_until),
      HINT = format('Generate from %s on, or use another organization.', v_clash.last_day + 1);
  END IF;

  PERFORM set_config('work_mem', '256MB', true);
  -- The statements below are costed in the millions, so JIT compiled them
  -- with inlining and optimisation (89 functions for the payments alone):
  -- LLVM took about 2.5 s of a million-booking load under perf, and the
  -- time here goes to writing rows, not to evaluating expressions.
  PERFORM set_config('jit', 'off', true);
  -- The ANALYZEs below (of the draws, of the events, of the loaded tables)
  -- are for row counts and rough shapes, so that the statements after them
  -- are planned for millions of rows and not for empty tables. A sample of
  -- 3,000 rows gives those; the default 30,000 took 3 s of a half-million-booking
  -- load, computing statistics for every column of every monthly partition.
  -- Full statistics follow: autovacuum analyses the loaded partitions after
  -- the commit, and an aggregation pass of more than 500 queued days (a bulk
  -- load's) analyses the fact tables first (api.process_hourly_aggregations).
  -- Put back before returning.
  PERFORM set_config('default_statistics_target', '10', true);
  -- Temporary tables up to 1 GB stay in this backend's memory (allocated as
  -- used) instead of going through the kernel page by page. PostgreSQL allows
  -- this only before the session's first temporary table; after that the
  -- session's setting stays.
  BEGIN
    PERFORM set_config('temp_buffers', '1GB', true);
  EXCEPTION WHEN invalid_parameter_value THEN
    NULL;
  END;
  -- Every row written below lands in its month's partition of payments and
  -- check-ins, not in the DEFAULT one: deposits are paid up to some weeks
  -- before the first night, refunds days after the last. (After the
  -- temp_buffers setting: this may make a temporary table.)
  PERFORM internal.ensure_fact_partitions(v_from - 62, v_until + 31);
  PERFORM internal.demo_prepare_venues(p_organization_id, p_seed);

  -- Venue dimensions the generator draws from.
  CREATE TEMP TABLE demo_tables ON COMMIT DROP AS
  SELECT t.venue_id, t.table_id, t.capacity, t.minimum_spend,
         row_number() OVER (PARTITION BY t.venue_id ORDER BY t.table_id) - 1 AS rank,
         count(*) OVER (PARTITION BY t.venue_id) AS how_many
    FROM venue.tables t
   WHERE t.organization_id = p_organization_id AND t.is_active;

  CREATE TEMP TABLE demo_staff ON COMMIT DROP AS
  SELECT s.venue_id, s.role, s.staff_id,
         row_number() OVER (PARTITION BY s.venue_id, s.role ORDER BY s.staff_id) - 1 AS rank,
         count(*) OVER (PARTITION BY s.venue_id, s.role) AS how_many
    FROM venue.staff s
   WHERE s.organization_id = p_organization_id AND s.is_active;

  -- The nights: one per venue and programme day, scaled by weekday, month and chance.
  CREATE TEMP TABLE demo_nights ON COMMIT DROP AS
  WITH programme(programme, isodow, series, starts, hours, ticket_price, weight, chance, artists) AS (
    VALUES
      ('club', 4, 'NOSTALGIA', time '22:30', 5.5, 8.00, 0.70, 0.98,
       ARRAY['DJ Lenny', 'The Throwback Crew', 'Retro Rachel', 'Cassette Club']),
      ('club', 5, 'LA FIESTA', time '22:00', 6.0, 12.00, 1.00, 0.99,
       ARRAY['DJ Sol', 'Los Ritmos', 'Carmen Beat', 'Tropicana Sound']),
      ('club', 6, 'SHHH!', time '22:00', 6.0, 15.00, 1.25, 0.99,
       ARRAY['Hush Collective', 'DJ Whisper', 'Midnight Theory', 'Velvet Room']),
      ('wedding', 5, 'Wedding', time '12:00', 12.0, 0.00, 0.85, 0.45,
       ARRAY['The Silver Strings', 'Harbour Lights Band', 'Jazz at Eight']),
      ('wedding', 6, 'Wedding', time '12:00', 12.0, 0.00, 1.00, 0.85,
       ARRAY['The Silver Strings', 'Harbour Lights Band', 'Jazz at Eight', 'Motown Mondays']),
      ('wedding', 7, 'Private Function', time '13:00', 8.0, 0.00, 0.60, 0.30,
       ARRAY['Acoustic Duo', 'String Quartet'])
  ), season(programme, factors) AS (
    VALUES ('club', ARRAY[0.75, 0.85, 0.90, 0.95, 1.00, 0.90, 0.85, 0.80, 1.15, 1.10, 1.00, 1.30]),
           ('wedding', ARRAY[0.30, 0.35, 0.50, 0.70, 0.95, 1.15, 1.20, 1.20, 1.05, 0.80, 0.45, 0.60])
  ), nights AS (
    SELECT v.organization_id, v.venue_id, v.timezone, v.capacity, p.*,
           d::date AS business_date,
           (v.venue_no * 1000000 + (d::date - date '2000-01-01'))::bigint AS night_key,
           s.factors[extract(month FROM d)::int] AS season_factor
      FROM (SELECT *, row_number() OVER (ORDER BY venue_id) AS venue_no
              FROM venue.venues WHERE organization_id = p_organization_id) v
     CROSS JOIN generate_series(v_from, v_until, interval '1 day') AS d
      JOIN programme p
        ON p.programme = CASE v.kind WHEN 'wedding_venue' THEN 'wedding' ELSE 'club' END
       AND p.isodow = extract(isodow FROM d)
      JOIN season s ON s.programme = p.programme
  )
  SELECT n.organization_id, n.venue_id, n.timezone, n.programme, n.series, n.ticket_price,
         n.business_date, n.night_key,
         nextval(v_event_seq) AS event_id,
         n.artists[1 + floor(internal.demo_random(p_seed, n.night_key, 2) * cardinality(n.artists))::int] AS artist,
         (n.business_date + n.starts) AT TIME ZONE n.timezone AS starts_at,
         (n.business_date + n.starts + make_interval(mins => (n.hours * 60)::int)) AT TIME ZONE n.timezone AS ends_at,
         greatest(0, round(p_bookings_per_night * n.weight * n.season_factor
                           * (0.85 + 0.30 * internal.demo_random(p_seed, n.night_key, 3))))::int AS bookings,
         CASE WHEN n.programme = 'club'
              THEN round(p_bookings_per_night * n.weight * n.season_factor * 0.5
                         * (0.8 + 0.4 * internal.demo_random(p_seed, n.night_key, 4)))::int
              ELSE 0 END AS walk_in_groups,
         row_number() OVER (ORDER BY n.business_date, n.venue_id) AS night_rank
    FROM nights n
   WHERE internal.demo_random(p_seed, n.night_key, 1) < n.chance
   ORDER BY n.business_date, n.venue_id;

  INSERT INTO venue.events (organization_id, event_id, venue_id, series, name, starts_at, ends_at,
                            artist, ticket_price, status)
  SELECT n.organization_id, n.event_id, n.venue_id, n.series,
         CASE n.programme WHEN 'club' THEN n.series || ' with ' || n.artist ELSE n.series END,
         n.starts_at, n.ends_at, n.artist, n.ticket_price,
         CASE WHEN n.ends_at < now() THEN 'completed' ELSE 'scheduled' END
    FROM demo_nights n;
  -- The shifts' foreign keys and the aggregation triggers look events up one
  -- by one; planned on stale statistics (an empty table), each lookup scans
  -- every event of the night's table instead of probing its key.
  -- SKIP_LOCKED: ANALYZE holds its lock to the end of the transaction, so a
  -- plain one would make a generator of another organization, running beside
  -- this one, wait for this whole load (and this one for it). Whoever holds
  -- the lock is analysing the same table.
  v_messages := current_setting('client_min_messages');
  PERFORM set_config('client_min_messages', 'error', true);  -- not a WARNING per skipped table
  ANALYZE (SKIP_LOCKED) venue.events;
  PERFORM set_config('client_min_messages', v_messages, true);

  -- Each venue's tables and staff rosters as arrays indexed by rank + 1: the
  -- statements below pick a table or a staff member by subscript, not by
  -- joining every row to a roster.
  CREATE TEMP TABLE demo_kits ON COMMIT DROP AS
  SELECT v.venue_id, coalesce(t.how_many, 0) AS table_count,
         t.table_ids, t.table_capacities, t.table_minimum_spends,
         s.host_ids, s.promoter_ids, s.door_ids, s.server_ids, s.bartender_ids
    FROM venue.venues v
    LEFT JOIN (SELECT venue_id, count(*) AS how_many,
                      array_agg(table_id ORDER BY rank) AS table_ids,
                      array_agg(capacity ORDER BY rank) AS table_capacities,
                      array_agg(minimum_spend ORDER BY rank) AS table_minimum_spends
                 FROM demo_tables GROUP BY venue_id) t USING (venue_id)
    LEFT JOIN (SELECT venue_id,
                      array_agg(staff_id ORDER BY rank) FILTER (WHERE role = 'host') AS host_ids,
                      array_agg(staff_id ORDER BY rank) FILTER (WHERE role = 'promoter') AS promoter_ids,
                      array_agg(staff_id ORDER BY rank) FILTER (WHERE role = 'door') AS door_ids,
                      array_agg(staff_id ORDER BY rank) FILTER (WHERE role = 'server') AS server_ids,
                      array_agg(staff_id ORDER BY rank) FILTER (WHERE role = 'bartender') AS bartender_ids
                 FROM demo_staff GROUP BY venue_id) s USING (venue_id)
   WHERE v.organization_id = p_organization_id;

  -- Customers: each booking is by a new customer (created when making it) or
  -- a returning one from the pool as it stood before that night (regulars are
  -- drawn more often). Customers are numbered 0, 1, ... in order of their
  -- first booking; the organization's existing ones come first, by id.
  SELECT count(*) INTO v_existing FROM venue.customers WHERE organization_id = p_organization_id;
  IF v_existing = 0 THEN
    -- With nobody to return, everyone booking the first night is new.
    SELECT min(night_rank) INTO v_first_night FROM demo_nights WHERE bookings > 0;
  END IF;

  -- Bookings numbered in (night, row) order, with their customer numbers: two
  -- running counts of new customers (overall and within the night) give the
  -- pool before the night and each new customer's number. Ids are drawn in
  -- the same order, after the sort, so they are reproducible and every index
  -- on the fact tables is filled from left to right.
  CREATE TEMP TABLE demo_draws ON COMMIT DROP AS
  SELECT w.night_rank, w.i, w.is_new,
         nextval(v_booking_seq) AS booking_id,
         CASE WHEN w.is_new THEN nextval(v_customer_seq) END AS new_customer_id,
         CASE WHEN w.is_new THEN v_existing + w.new_through - 1
              ELSE floor((v_existing + w.new_through - w.new_in_night)
                         * CASE WHEN w.r_who < 0.5 THEN w.r_who * 2 ELSE power((w.r_who - 0.5) * 2, 3) END)::bigint
         END AS customer_idx
    FROM (SELECT d.night_rank, d.i, d.is_new, d.r_who,
                 sum(d.is_new::int) OVER (ORDER BY d.night_rank, d.i ROWS UNBOUNDED PRECEDING) AS new_through,
                 sum(d.is_new::int) OVER (PARTITION BY d.night_rank ORDER BY d.i ROWS UNBOUNDED PRECEDING) AS new_in_night
            FROM (SELECT n.night_rank, i,
                         internal.demo_random(p_seed, n.night_key, i * 64 + 16)
                           < CASE n.programme WHEN 'club' THEN 0.42 ELSE 0.85 END
                         OR coalesce(n.night_rank = v_first_night, false) AS is_new,
                         internal.demo_random(p_seed, n.night_key, i * 64 + 17) AS r_who
                    FROM demo_nights n
                   CROSS JOIN LATERAL generate_series(0, n.bookings - 1) AS i) d
           ORDER BY d.night_rank, d.i) w
   ORDER BY w.night_rank, w.i;

  CREATE TEMP TABLE demo_customers ON COMMIT DROP AS
  SELECT row_number() OVER (ORDER BY customer_id) - 1 AS customer_idx, customer_id
    FROM venue.customers WHERE organization_id = p_organization_id;
  INSERT INTO demo_customers (customer_idx, customer_id)
  SELECT customer_idx, new_customer_id FROM demo_draws WHERE is_new;
  ANALYZE demo_customers;

  -- Every booking with what the statements below need. Each level computes
  -- its columns once (OFFSET 0 keeps the planner from copying an expression
  -- into every place that uses it).
  CREATE TEMP TABLE demo_bookings ON COMMIT DROP AS
  SELECT b.booking_id, b.booking_key, b.venue_id, b.event_id, b.programme, b.business_date, b.ends_at,
         b.ticket_price, b.customer_idx, b.is_new, b.customer_id, b.table_id, b.party_size, b.status,
         b.occasion, b.channel, b.booked_at, b.arrives_at,
         CASE WHEN b.status = 'cancelled' THEN b.booked_at + (b.arrives_at - b.booked_at) * b.r_cancel END AS cancelled_at,
         b.deposit_amount, coalesce(b.table_minimum_spend, 0) AS minimum_spend,
         CASE WHEN b.table_id IS NOT NULL AND b.programme = 'club'
                THEN b.host_ids[1 + floor(b.r_staff * cardinality(b.host_ids))::int]
              WHEN b.channel IN ('instagram', 'whatsapp', 'partner')
                THEN b.promoter_ids[1 + floor(b.r_staff * cardinality(b.promoter_ids))::int]
         END AS staff_id
    FROM (
      SELECT p.*,
             CASE
               WHEN p.table_id IS NOT NULL AND p.programme = 'wedding'
                 THEN least(p.table_capacity, 6 + floor(p.r_party * 5))::int
               WHEN p.table_id IS NOT NULL
                 THEN greatest(2, p.table_capacity - floor(p.r_party * p.table_capacity * 0.5))::int
               ELSE least(12, 1 + floor(power(p.r_party, 1.7) * 6)
                              + CASE p.occasion WHEN 'birthday' THEN 2 ELSE 0 END)::int
             END AS party_size,
             CASE
               WHEN p.business_date >= current_date THEN
                 CASE WHEN p.r_status < 0.02 THEN 'pending' WHEN p.r_status < 0.10 THEN 'cancelled'
                      ELSE 'confirmed' END
               WHEN p.r_status < 0.01 THEN 'pending'
               WHEN p.r_status < 0.10 THEN 'cancelled'
               WHEN p.r_status < 0.10 + CASE WHEN p.table_id IS NULL THEN 0.07 ELSE 0.03 END THEN 'no_show'
               WHEN p.r_status < 0.13 + CASE WHEN p.table_id IS NULL THEN 0.07 ELSE 0.03 END THEN 'confirmed'
               ELSE 'completed'
             END AS status,
             CASE WHEN p.r_channel < 0.55 THEN 'website' WHEN p.r_channel < 0.67 THEN 'instagram'
                  WHEN p.r_channel < 0.77 THEN 'phone' WHEN p.r_channel < 0.85 THEN 'whatsapp'
                  WHEN p.r_channel < 0.95 THEN 'fatsoma' ELSE 'partner' END AS channel,
             p.arrives_at - make_interval(
               days => CASE WHEN p.table_id IS NULL THEN floor(power(p.r_lead, 2) * 21)
                            ELSE 2 + floor(power(p.r_lead, 1.5) * 40) END::int,
               secs => (3600 + p.r_lead * 36000)::int) AS booked_at,
             CASE WHEN p.table_id IS NOT NULL AND p.table_minimum_spend > 0
                  THEN least(100, round(p.table_minimum_spend * 0.2 / 5) * 5) ELSE 0 END AS deposit_amount
        FROM (
          SELECT t.*,
                 t.table_ids[t.table_slot] AS table_id,
                 t.table_capacities[t.table_slot] AS table_capacity,
                 t.table_minimum_spends[t.table_slot] AS table_minimum_spend,
                 CASE WHEN t.r_occasion < 0.14 THEN 'birthday' WHEN t.r_occasion < 0.17 THEN 'anniversary'
                      WHEN t.r_occasion < 0.21 THEN 'other' ELSE 'none' END AS occasion,
                 t.starts_at + CASE t.programme
                   WHEN 'club' THEN make_interval(secs => (power(t.r_arrive, 1.3) * 180 * 60)::int)
                   ELSE make_interval(secs => ((t.r_arrive - 1) * 45 * 60)::int) END AS arrives_at
            FROM (
              SELECT d.booking_id, d.customer_idx, d.is_new, c.customer_id,
                     n.night_key * 100000 + d.i AS booking_key,
                     n.venue_id, n.event_id, n.programme, n.business_date, n.starts_at, n.ends_at, n.ticket_price,
                     k.table_ids, k.table_capacities, k.table_minimum_spends, k.host_ids, k.promoter_ids,
                     CASE WHEN d.i < CASE n.programme WHEN 'club' THEN least(k.table_count, round(n.bookings * 0.12))
                                                      ELSE least(k.table_count, n.bookings) END
                          THEN 1 + ((d.i + n.night_key) % k.table_count)::int END AS table_slot,
                     internal.demo_random(p_seed, n.night_key, d.i * 64 + 10) AS r_status,
                     internal.demo_random(p_seed, n.night_key, d.i * 64 + 11) AS r_occasion,
                     internal.demo_random(p_seed, n.night_key, d.i * 64 + 12) AS r_channel,
                     internal.demo_random(p_seed, n.night_key, d.i * 64 + 13) AS r_arrive,
                     internal.demo_random(p_seed, n.night_key, d.i * 64 + 14) AS r_lead,
                     internal.demo_random(p_seed, n.night_key, d.i * 64 + 15) AS r_party,
                     internal.demo_random(p_seed, n.night_key, d.i * 64 + 18) AS r_cancel,
                     internal.demo_random(p_seed, n.night_key, d.i * 64 + 19) AS r_staff
                FROM demo_draws d
                JOIN demo_nights n USING (night_rank)
                JOIN demo_kits k USING (venue_id)
                JOIN demo_customers c USING (customer_idx)
              OFFSET 0) t
          OFFSET 0) p
      OFFSET 0) b;
  ANALYZE demo_bookings;

  -- From here on every reference is to a row this function wrote or read in
  -- this transaction: the set-based reference checks of the fact tables are
  -- skipped until the end of the load (see internal.tg_check_references; the
  -- setting is honoured only for the tables' owner, who could disable the
  -- checks anyway). The aggregation queue is still written by its triggers.
  PERFORM set_config('nightcap.skip_reference_checks', 'on', true);

  INSERT INTO venue.customers (organization_id, customer_id, first_name, last_name, email, phone,
                               date_of_birth, is_vip, marketing_consent, marketing_consent_given_at,
                               marketing_consent_withdrawn_at, created_at)
  SELECT p_organization_id, c.customer_id, c.first_name, c.last_name,
         lower(c.first_name || '.' || c.last_name || '.' || c.customer_idx) || '@example.com',
         '+44 7700 9' || lpad((c.customer_idx % 100000)::text, 5, '0'),
         c.first_booked::date - make_interval(days => (18 * 365 + c.r_age * 27 * 365)::int),
         c.r_vip < 0.03,
         c.r_consent < 0.55 AND c.r_withdraw >= 0.08,
         CASE WHEN c.r_consent < 0.55 THEN c.first_booked END,
         CASE WHEN c.r_consent < 0.55 AND c.r_withdraw < 0.08
              THEN c.first_booked + make_interval(days => (1 + c.r_withdraw * 1000)::int) END,
         c.first_booked
    FROM (SELECT b.customer_id, b.customer_idx, b.booked_at AS first_booked,
                 internal.demo_first_name(p_seed, b.customer_idx) AS first_name,
                 internal.demo_last_name(p_seed, b.customer_idx) AS last_name,
                 internal.demo_random(p_seed, b.customer_idx, 7101) AS r_age,
                 internal.demo_random(p_seed, b.customer_idx, 7102) AS r_vip,
                 internal.demo_random(p_seed, b.customer_idx, 7103) AS r_consent,
                 internal.demo_random(p_seed, b.customer_idx, 7104) AS r_withdraw
            FROM demo_bookings b
           WHERE b.is_new
          OFFSET 0) c;
  GET DIAGNOSTICS v_customers = ROW_COUNT;

  INSERT INTO venue.bookings (organization_id, booking_id, venue_id, event_id, customer_id, table_id,
                              staff_id, party_size, status, occasion, channel, booked_at, arrives_at,
                              cancelled_at, deposit_amount, minimum_spend)
  SELECT p_organization_id, b.booking_id, b.venue_id, b.event_id, b.customer_id, b.table_id,
         b.staff_id, b.party_size, b.status, b.occasion, b.channel, b.booked_at, b.arrives_at,
         b.cancelled_at, b.deposit_amount, b.minimum_spend
    FROM demo_bookings b;
  GET DIAGNOSTICS v_bookings = ROW_COUNT;

  -- Payments. Ids are drawn in the order rows are produced, night by night,
  -- so the indexes on booking, event, venue and time are all filled from left
  -- to right. Deposits and advance tickets first, keeping their ids for the
  -- refunds.
  CREATE TEMP TABLE demo_ahead (payment_id bigint, booking_id bigint, kind text, amount numeric,
                                provider text) ON COMMIT DROP;
  WITH ahead AS (
    INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, event_id, customer_id,
                                kind, amount, currency, provider, status, paid_at, provider_reference)
    SELECT p_organization_id, x.payment_id, x.venue_id, x.booking_id, x.event_id, x.customer_id,
           x.kind, x.amount, v_currency, x.provider, 'succeeded', x.paid_at,
           CASE x.provider
             WHEN 'stripe' THEN 'pi_' || lpad(to_hex(x.payment_id * 7919 + p_seed), 16, '0')
             WHEN 'paypal' THEN 'PAYID-' || upper(lpad(to_hex(x.payment_id * 104729 + p_seed), 14, '0'))
           END
      FROM (SELECT nextval(v_payment_seq) AS payment_id, y.*
              FROM (SELECT b.venue_id, b.booking_id, b.event_id, b.customer_id, 'deposit' AS kind,
                           b.deposit_amount AS amount,
                           CASE WHEN internal.demo_random(p_seed, b.booking_key, 20) < 0.85
                                THEN 'stripe' ELSE 'paypal' END AS provider,
                           b.booked_at + interval '2 minutes' AS paid_at
                      FROM demo_bookings b
                     WHERE b.deposit_amount > 0 AND b.status <> 'pending'
                       AND b.booked_at + interval '2 minutes' <= now()
                    UNION ALL
                    -- Online tickets for guest-list bookings (60% pay ahead).
                    SELECT b.venue_id, b.booking_id, b.event_id, b.customer_id, 'ticket',
                           b.ticket_price * b.party_size,
                           CASE WHEN internal.demo_random(p_seed, b.booking_key, 21) < 0.85
                                THEN 'stripe' ELSE 'paypal' END,
                           b.booked_at + interval '3 minutes'
                      FROM demo_bookings b
                     WHERE b.table_id IS NULL AND b.ticket_price > 0 AND b.status <> 'pending'
                       AND internal.demo_random(p_seed, b.booking_key, 22) < 0.60
                       AND b.booked_at + interval '3 minutes' <= now()) y) x
    RETURNING payment_id, booking_id, kind, amount, provider
  )
  INSERT INTO demo_ahead SELECT * FROM ahead;
  GET DIAGNOSTICS v_payments = ROW_COUNT;

  -- Walk-in groups of the club nights (their tickets, tabs and door clicks).
  CREATE TEMP TABLE demo_walk_ins ON COMMIT DROP AS
  SELECT n.venue_id, n.event_id, n.ticket_price, n.ends_at, x.walk_in_key,
         1 + floor(power(internal.demo_random(p_seed, x.walk_in_key, 1), 1.5) * 4)::int AS people,
         n.starts_at + make_interval(secs => (power(internal.demo_random(p_seed, x.walk_in_key, 2), 1.2)
                                              * extract(epoch FROM n.ends_at - n.starts_at) * 0.6)::int) AS in_at
    FROM demo_nights n
   CROSS JOIN LATERAL generate_series(1, n.walk_in_groups) AS g
   CROSS JOIN LATERAL (SELECT n.night_key * 100000 + g AS walk_in_key) x;
  ANALYZE demo_walk_ins;

  -- Refunds of cancellations made in time (48 h for deposits, 24 h for
  -- tickets), paid back one to five days after the cancellation: often a
  -- later trading day. Then what guests spend on the night, and walk-ins.
  INSERT INTO venue.payments (organization_id, payment_id, venue_id, booking_id, event_id, customer_id,
                              staff_id, refund_of_payment_id, kind, amount, currency, provider, status,
                              paid_at, provider_reference)
  SELECT p_organization_id, x.payment_id, x.venue_id, x.booking_id, x.event_id, x.customer_id,
         x.staff_id, x.refund_of_payment_id, x.kind, x.amount, v_currency, x.provider, x.status, x.paid_at,
         CASE x.provider
           WHEN 'stripe' THEN CASE x.kind WHEN 'refund' THEN 're_' ELSE 'pi_' END || lpad(to_hex(x.payment_id * 7919 + p_seed), 16, '0')
           WHEN 'paypal' THEN 'PAYID-' || upper(lpad(to_hex(x.payment_id * 104729 + p_seed), 14, '0'))
           WHEN 'square' THEN 'sq_' || lpad(to_hex(x.payment_id * 15485863 + p_seed), 16, '0')
         END
    FROM (SELECT nextval(v_payment_seq) AS payment_id, y.*
            FROM (
              -- refunds of deposits and advance tickets
              SELECT b.venue_id, b.booking_id, b.event_id, b.customer_id, NULL::bigint AS staff_id,
                     a.payment_id AS refund_of_payment_id, 'refund' AS kind, a.amount, a.provider,
                     'succeeded' AS status, r.refunded_at AS paid_at
                FROM demo_ahead a
                JOIN demo_bookings b USING (booking_id)
               CROSS JOIN LATERAL (
                 SELECT b.cancelled_at
                        + make_interval(days => 1 + floor(internal.demo_random(p_seed, b.booking_key, 23) * 5)::int,
                                        secs => (internal.demo_random(p_seed, b.booking_key, 24) * 36000)::int)
                        AS refunded_at) r
               WHERE b.status = 'cancelled'
                 AND b.arrives_at - b.cancelled_at
                     >= CASE a.kind WHEN 'deposit' THEN interval '48 hours' ELSE interval '24 hours' END
                 AND r.refunded_at <= now()
              UNION ALL
              -- What guests spend on the night: door tickets for those who did
              -- not pay ahead, the table's spend settled at the end of the night,
              -- one to three bar tabs (one in a hundred declined first).
              SELECT s.venue_id, s.booking_id, s.event_id, s.customer_id, s.staff_id, NULL, s.kind,
                     s.amount, s.provider, s.status, s.paid_at
                FROM (
                  SELECT b.venue_id, b.booking_id, b.event_id, b.customer_id,
                         k.door_ids[1 + floor(internal.demo_random(p_seed, b.booking_key, 80) * cardinality(k.door_ids))::int] AS staff_id,
                         'ticket' AS kind, b.ticket_price * b.party_size AS amount,
                         CASE WHEN internal.demo_random(p_seed, b.booking_key, 30) < 0.7 THEN 'square' ELSE 'cash' END AS provider,
                         'succeeded' AS status, b.arrives_at + interval '4 minutes' AS paid_at
                    FROM demo_bookings b
                    JOIN demo_kits k USING (venue_id)
                   WHERE b.status = 'completed' AND b.table_id IS NULL AND b.ticket_price > 0
                     AND internal.demo_random(p_seed, b.booking_key, 22) >= 0.60
                  UNION ALL
                  SELECT b.venue_id, b.booking_id, b.event_id, b.customer_id,
                         CASE b.programme WHEN 'club' THEN k.host_ids[1 + floor(internal.demo_random(p_seed, b.booking_key, 81) * cardinality(k.host_ids))::int]
                                          ELSE k.server_ids[1 + floor(internal.demo_random(p_seed, b.booking_key, 81) * cardinality(k.server_ids))::int] END,
                         'table',
                         round((greatest(b.minimum_spend - b.deposit_amount, 40 * b.party_size)
                                * (1 + 0.8 * internal.demo_random(p_seed, b.booking_key, 31)))::numeric, 2),
                         CASE WHEN internal.demo_random(p_seed, b.booking_key, 32) < 0.9 THEN 'square' ELSE 'stripe' END,
                         'succeeded',
                         least(b.ends_at - interval '20 minutes',
                               b.arrives_at + make_interval(secs => (7200 + internal.demo_random(p_seed, b.booking_key, 33) * 7200)::int))
                    FROM demo_bookings b
                    JOIN demo_kits k USING (venue_id)
                   WHERE b.status = 'completed' AND b.table_id IS NOT NULL
                  UNION ALL
                  SELECT t.venue_id, t.booking_id, t.event_id, t.customer_id,
                         t.bartender_ids[1 + floor(internal.demo_random(p_seed, t.booking_key, 82 + t.k) * cardinality(t.bartender_ids))::int],
                         'bar',
                         round((t.party_size * (9 + 26 * internal.demo_random(p_seed, t.booking_key, 40 + t.k))
                                / t.tabs)::numeric, 1),
                         CASE WHEN internal.demo_random(p_seed, t.booking_key, 50 + t.k) < 0.8 THEN 'square' ELSE 'cash' END,
                         t.status,
                         t.arrives_at + make_interval(secs => (900 + internal.demo_random(p_seed, t.booking_key, 60 + t.k) * 12600)::int)
                           - CASE t.status WHEN 'failed' THEN interval '1 minute' ELSE interval '0' END
                    FROM (SELECT b.venue_id, b.booking_id, b.event_id, b.customer_id, b.booking_key, b.party_size,
                                 b.arrives_at, k.bartender_ids, tab.k, tab.status,
                                 1 + floor(internal.demo_random(p_seed, b.booking_key, 34) * 3) AS tabs
                            FROM demo_bookings b
                            JOIN demo_kits k USING (venue_id)
                           CROSS JOIN (VALUES (1, 'succeeded'), (1, 'failed'), (2, 'succeeded'), (2, 'failed'),
                                              (3, 'succeeded'), (3, 'failed')) AS tab(k, status)
                           WHERE b.status = 'completed'
                             AND tab.k <= 1 + floor(internal.demo_random(p_seed, b.booking_key, 34) * 3)
                             AND (tab.status = 'succeeded' OR internal.demo_random(p_seed, b.booking_key, 70 + tab.k) < 0.01)) t
                ) s
               WHERE s.paid_at <= now()
              UNION ALL
              -- Walk-ins: a door ticket and one or two bar tabs per group.
              SELECT w.venue_id, NULL, w.event_id, NULL, w.staff_id, NULL, w.kind, w.amount, w.provider,
                     'succeeded', w.paid_at
                FROM (
                  SELECT w.venue_id, w.event_id,
                         k.door_ids[1 + floor(internal.demo_random(p_seed, w.walk_in_key, 40) * cardinality(k.door_ids))::int] AS staff_id,
                         'ticket' AS kind, w.ticket_price * w.people AS amount,
                         CASE WHEN internal.demo_random(p_seed, w.walk_in_key, 3) < 0.7 THEN 'square' ELSE 'cash' END AS provider,
                         w.in_at - interval '1 minute' AS paid_at
                    FROM demo_walk_ins w
                    JOIN demo_kits k USING (venue_id)
                   WHERE w.ticket_price > 0
                  UNION ALL
                  SELECT w.venue_id, w.event_id,
                         k.bartender_ids[1 + floor(internal.demo_random(p_seed, w.walk_in_key, 40 + tab.k) * cardinality(k.bartender_ids))::int],
                         'bar', round((w.people * (8 + 22 * internal.demo_random(p_seed, w.walk_in_key, 10 + tab.k)))::numeric, 1),
                         CASE WHEN internal.demo_random(p_seed, w.walk_in_key, 20 + tab.k) < 0.8 THEN 'square' ELSE 'cash' END,
                         least(w.ends_at - interval '10 minutes',
                               w.in_at + make_interval(secs => (600 + internal.demo_random(p_seed, w.walk_in_key, 30 + tab.k) * 9000)::int))
                    FROM demo_walk_ins w
                    JOIN demo_kits k USING (venue_id)
                   CROSS JOIN (VALUES (1), (2)) AS tab(k)
                   WHERE tab.k <= 1 + floor(internal.demo_random(p_seed, w.walk_in_key, 4) * 2)
                ) w
               WHERE w.paid_at <= now()
            ) y
         ) x;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  v_payments := v_payments + v_rows;

  -- Check-ins: QR scans of arriving parties, door clicks of walk-ins; the odd
  -- missed check-out, and now and then a stray check-out with no check-in.
  INSERT INTO venue.check_ins (organization_id, venue_id, event_id, booking_id, customer_id,
                               direction, method, people, occurred_at)
  SELECT p_organization_id, x.venue_id, x.event_id, x.booking_id, x.customer_id,
         x.direction, x.method, x.people, x.occurred_at
    FROM (
      SELECT b.venue_id, b.event_id, b.booking_id, b.customer_id, 'in' AS direction,
             CASE b.programme WHEN 'club' THEN 'qr' ELSE 'door' END AS method, b.party_size AS people,
             b.arrives_at + make_interval(secs => (internal.demo_random(p_seed, b.booking_key, 90) * 1200)::int) AS occurred_at
        FROM demo_bookings b
       WHERE b.status = 'completed'
      UNION ALL
      SELECT b.venue_id, b.event_id, b.booking_id, b.customer_id, 'out', 'door', b.party_size,
             least(b.ends_at + interval '10 minutes',
                   b.arrives_at + make_interval(secs => (5400 + internal.demo_random(p_seed, b.booking_key, 91) * 12600)::int))
        FROM demo_bookings b
       WHERE b.status = 'completed' AND internal.demo_random(p_seed, b.booking_key, 92) >= 0.04
      UNION ALL
      SELECT w.venue_id, w.event_id, NULL, NULL, 'in', 'door', w.people, w.in_at
        FROM demo_walk_ins w
      UNION ALL
      SELECT w.venue_id, w.event_id, NULL, NULL, 'out', 'door', w.people,
             least(w.ends_at + interval '10 minutes',
                   w.in_at + make_interval(secs => (3600 + internal.demo_random(p_seed, w.walk_in_key, 50) * 10800)::int))
        FROM demo_walk_ins w
       WHERE internal.demo_random(p_seed, w.walk_in_key, 51) >= 0.05
      UNION ALL
      SELECT n.venue_id, n.event_id, NULL, NULL, 'out', 'door', 1, n.starts_at - interval '5 minutes'
        FROM demo_nights n
       WHERE internal.demo_random(p_seed, n.night_key, 5) < 0.05
    ) x
   WHERE x.occurred_at <= now();
  GET DIAGNOSTICS v_check_ins = ROW_COUNT;

  INSERT INTO venue.feedback (organization_id, venue_id, event_id, booking_id, customer_id, rating,
                              comment, submitted_at)
  SELECT p_organization_id, f.venue_id, f.event_id, f.booking_id, f.customer_id, f.rating,
         CASE WHEN internal.demo_random(p_seed, f.booking_key, 102) < 0.35 THEN
           (ARRAY[NULL, 'Queue took far too long and the bar was three deep all night.',
                  'Sound was muddy and the room too hot.', 'Decent night, drinks a bit pricey.',
                  'Great music, friendly door staff, will be back.',
                  'Best night out in Leeds - the team made the birthday special.'])[1 + f.rating]
         END,
         f.next_morning + make_interval(secs => (internal.demo_random(p_seed, f.booking_key, 103) * 36000)::int)
    FROM (SELECT b.venue_id, b.event_id, b.booking_id, b.customer_id, b.booking_key,
                 (b.business_date + 1 + time '10:00') AT TIME ZONE 'Europe/London' AS next_morning,
                 CASE WHEN r < 0.02 THEN 1 WHEN r < 0.06 THEN 2 WHEN r < 0.16 THEN 3 WHEN r < 0.50 THEN 4 ELSE 5 END AS rating
            FROM demo_bookings b
           CROSS JOIN LATERAL (SELECT internal.demo_random(p_seed, b.booking_key, 101) AS r) q
           WHERE b.status = 'completed' AND internal.demo_random(p_seed, b.booking_key, 100) < 0.12
          OFFSET 0) f
   WHERE f.next_morning <= now();
  GET DIAGNOSTICS v_feedback = ROW_COUNT;

  PERFORM set_config('nightcap.skip_reference_checks', 'off', true);

  -- Staff on shift each night, by rotation through each role's roster.
  INSERT INTO venue.shifts (organization_id, venue_id, staff_id, event_id, role, starts_at, ends_at,
                            break_minutes)
  SELECT p_organization_id, n.venue_id, s.staff_id, n.event_id, s.role,
         n.starts_at - interval '1 hour', n.ends_at + interval '30 minutes',
         CASE WHEN n.ends_at - n.starts_at >= interval '6 hours' THEN 30 ELSE 0 END
    FROM demo_nights n
    JOIN (VALUES ('club', 'manager', 1), ('club', 'host', 2), ('club', 'bartender', 6),
                 ('club', 'door', 2), ('club', 'security', 3), ('club', 'dj', 1),
                 ('wedding', 'manager', 1), ('wedding', 'coordinator', 1),
                 ('wedding', 'server', 8), ('wedding', 'bartender', 2)) AS need(programme, role, how_many)
      USING (programme)
    JOIN demo_staff s
      ON s.venue_id = n.venue_id AND s.role = need.role
     AND (s.rank + n.night_key) % s.how_many < least(need.how_many, s.how_many);
  GET DIAGNOSTICS v_shifts = ROW_COUNT;

  v_counts := jsonb_build_object(
    'organization_id', p_organization_id, 'from', v_from, 'until', v_until,
    'events', (SELECT count(*) FROM demo_nights), 'customers', v_customers,
    'bookings', v_bookings, 'payments', v_payments, 'check_ins', v_check_ins,
    'feedback', v_feedback, 'shifts', v_shifts);

  -- Fresh statistics: planners that still think these tables are empty pick
  -- plans that make the first aggregation of the load take minutes, not seconds.
  -- SKIP_LOCKED for the reason above: a table another generator is analysing
  -- is left to it and to autovacuum.
  PERFORM set_config('client_min_messages', 'error', true);
  ANALYZE (SKIP_LOCKED) venue.events, venue.customers, venue.bookings, venue.payments, venue.check_ins,
          venue.feedback, venue.shifts;
  PERFORM set_config('client_min_messages', v_messages, true);
  PERFORM set_config('default_statistics_target', v_statistics_target, true);

  DROP TABLE demo_tables, demo_staff, demo_nights, demo_kits, demo_draws, demo_customers, demo_bookings,
             demo_ahead, demo_walk_ins;
  RETURN v_counts;
END
$fn$;

COMMENT ON FUNCTION api.generate_demo_data(uuid, integer, integer, bigint, date) IS
  'Generates p_days trading days of realistic history (ending p_until, default yesterday) for every venue of an organization: events, customers, bookings, payments, check-ins, feedback, shifts. Deterministic per p_seed; returns row counts. Raises 22004 (NULL argument), 22023 (days or bookings out of range), P0002 (no such organization), 55000 (no venues, or the period already has events).';
REVOKE ALL ON FUNCTION api.generate_demo_data(uuid, integer, integer, bigint, date) FROM PUBLIC;

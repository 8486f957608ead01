-- internal.cron_next_parsed(cron, tz, after): api.cron_next for an expression already parsed by internal.cron_parse.
CREATE OR REPLACE FUNCTION internal.cron_next_parsed(p_cron record, p_tz text, p_after timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
AS $fn$
DECLARE
  v_local    timestamp;        -- p_after on the zone's wall clock
  v_day      date;
  v_limit    date;
  v_year     integer;
  v_month    integer;
  v_dom      integer;
  v_dow      integer;
  v_and      boolean;          -- both day fields must match (one starts with *)
  v_bits     bigint;
  v_start    timestamptz;      -- the instants the local day begins and ends
  v_end      timestamptz;
  v_first    integer;          -- first minute of the day (0-1439) that may run
  v_hour     integer;
  v_minute   integer;
  v_best     timestamptz;
  -- Transition days only:
  v_off_a    interval;         -- UTC offset when the day begins, and when it ends
  v_off_b    interval;
  v_wall     timestamp;        -- a candidate wall-clock time
  v_utc      timestamptz;      -- the same digits read as UTC
  v_a        timestamptz;
  v_b        timestamptz;
  v_ok_a     boolean;
  v_ok_b     boolean;
  v_run      timestamptz;
  v_minutes  bigint;
BEGIN
  /*
   * Runs are wall-clock times of zone p_tz. Days are searched on the local
   * calendar (whole months and days skipped with the bitmasks of
   * internal.cron_parse), then the hour and minute are found with bit scans:
   * a few dozen cheap steps instead of a minute-by-minute walk.
   *
   * A day whose length is 24 hours has one UTC offset throughout, so its
   * first matching minute after p_after is the answer: day start + minutes.
   * A day of 23 or 25 hours holds a clock change, and every matching minute
   * of it is turned into instants one by one:
   *   - read with the offset before and the offset after the change, a wall
   *     time is valid when converting the instant back gives the same wall
   *     time; valid both ways, it occurs twice (autumn fall-back): it runs at
   *     the first occurrence, and also at the second when the hour field
   *     starts with `*` (`15 * * * *` runs at 01:15 BST and at 01:15 GMT);
   *   - valid neither way, it does not exist (spring-forward gap): it runs once,
   *     at `wall AT TIME ZONE tz` as PostgreSQL reads it (01:30 on the London
   *     spring-forward day is 01:30 UTC, i.e. 02:30 BST).
   * Instants near a change are not in wall-clock order, so the transition day
   * keeps the least instant after p_after and the search goes on until a
   * later matching day begins after it.
   *
   * Assumes, as every zone in the tz database today does, that a day holds at
   * most one clock change and that a fall-back does not repeat wall times
   * across midnight.
   */
  /*
   * p_cron is a row of internal.cron_parse: parsing costs more than the
   * search below (7 of 13 us a call), so callers that need many runs of one
   * expression (api.tick, internal.due_runs) parse it once. The checks of
   * the arguments that api.cron_next makes are its callers' to make; a time
   * zone PostgreSQL does not know raises its own 22023 here.
   */
  IF p_after IS NULL OR NOT isfinite(p_after) THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('cron_next needs a finite time to start after, not %s', coalesce(p_after::text, 'NULL'));
  END IF;
  v_local := p_after AT TIME ZONE p_tz;

  v_and := p_cron.dom_star OR p_cron.dow_star;
  v_day := v_local::date;
  -- Every date falls on every weekday within 28 years (40 across a century
  -- that skips a leap day); cron_parse has rejected expressions that never run.
  v_limit := v_day + 50 * 366;

  LOOP
    IF v_day > v_limit THEN
      IF v_best IS NOT NULL THEN
        RETURN v_best;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
        MESSAGE = format('cron expression "%s" has no run in the 50 years after %s', p_cron.expression, p_after);
    END IF;

    v_month := date_part('month', v_day)::integer;
    IF (p_cron.months >> v_month) & 1 = 0 THEN
      -- On to the first day of the next month named.
      v_year := date_part('year', v_day)::integer;
      v_bits := (p_cron.months >> (v_month + 1)) << (v_month + 1);
      IF v_bits = 0 THEN
        v_year := v_year + 1;
        v_bits := p_cron.months;
      END IF;
      v_day := make_date(v_year, round(ln((v_bits & -v_bits)::float8) / ln(2.0::float8))::integer, 1);
      CONTINUE;
    END IF;

    v_dom := date_part('day', v_day)::integer;
    v_dow := date_part('dow', v_day)::integer;
    IF v_and AND (p_cron.days >> v_dom) & 1 = 0 THEN
      -- On to the next day of the month named (the month check catches an overflow).
      v_bits := (p_cron.days >> (v_dom + 1)) << (v_dom + 1);
      v_day := CASE WHEN v_bits = 0 THEN (v_day - v_dom + 1 + interval '1 month')::date
                    ELSE v_day + (round(ln((v_bits & -v_bits)::float8) / ln(2.0::float8))::integer - v_dom) END;
      CONTINUE;
    ELSIF v_and AND (p_cron.weekdays >> v_dow) & 1 = 0 THEN
      -- On to the next weekday named.
      v_bits := ((p_cron.weekdays | (p_cron.weekdays << 7))::bigint >> (v_dow + 1));
      v_day := v_day + 1 + round(ln((v_bits & -v_bits)::float8) / ln(2.0::float8))::integer;
      CONTINUE;
    ELSIF NOT v_and AND (p_cron.days >> v_dom) & 1 = 0 AND (p_cron.weekdays >> v_dow) & 1 = 0 THEN
      v_day := v_day + 1;
      CONTINUE;
    END IF;

    -- A matching date: where does it lie in time?
    v_start := v_day::timestamp AT TIME ZONE p_tz;
    IF v_best IS NOT NULL AND v_start >= v_best THEN
      RETURN v_best;
    END IF;
    v_end := (v_day + 1)::timestamp AT TIME ZONE p_tz;

    IF v_end - v_start = interval '24 hours' THEN
      -- One offset all day: the first matching minute after p_after.
      v_first := CASE WHEN v_day = v_local::date
                      THEN date_part('hour', v_local)::integer * 60 + date_part('minute', v_local)::integer + 1
                      ELSE 0 END;
      v_hour := v_first / 60;
      v_minute := NULL;
      IF v_hour < 24 AND (p_cron.hours >> v_hour) & 1 = 1 THEN
        v_bits := (p_cron.minutes >> (v_first % 60)) << (v_first % 60);
        IF v_bits <> 0 THEN
          v_minute := round(ln((v_bits & -v_bits)::float8) / ln(2.0::float8))::integer;
        END IF;
      END IF;
      IF v_minute IS NULL AND v_hour < 23 THEN
        v_bits := (p_cron.hours::bigint >> (v_hour + 1)) << (v_hour + 1);
        IF v_bits <> 0 THEN
          v_hour := round(ln((v_bits & -v_bits)::float8) / ln(2.0::float8))::integer;
          v_minute := round(ln((p_cron.minutes & -p_cron.minutes)::float8) / ln(2.0::float8))::integer;
        END IF;
      END IF;
      IF v_minute IS NOT NULL THEN
        v_run := v_start + make_interval(mins => v_hour * 60 + v_minute);
        RETURN CASE WHEN v_best < v_run THEN v_best ELSE v_run END;
      END IF;
    ELSE
      -- A clock change today: weigh each matching minute.
      v_off_a := ((v_start - interval '1 minute') AT TIME ZONE p_tz) - ((v_start - interval '1 minute') AT TIME ZONE 'UTC');
      v_off_b := (v_end AT TIME ZONE p_tz) - (v_end AT TIME ZONE 'UTC');
      -- Wall times up to p_after's digits plus the smaller offset cannot be after p_after.
      v_first := greatest(0, floor(extract(epoch FROM (p_after AT TIME ZONE 'UTC') + least(v_off_a, v_off_b)
                                                       - v_day::timestamp) / 60)::integer + 1);
      <<hours>>
      FOR v_hour IN v_first / 60 .. 23 LOOP
        CONTINUE WHEN (p_cron.hours >> v_hour) & 1 = 0;
        v_minutes := CASE WHEN v_hour = v_first / 60 THEN (p_cron.minutes >> (v_first % 60)) << (v_first % 60)
                          ELSE p_cron.minutes END;
        WHILE v_minutes <> 0 LOOP
          v_minute := round(ln((v_minutes & -v_minutes)::float8) / ln(2.0::float8))::integer;
          v_minutes := v_minutes & (v_minutes - 1);
          v_wall := v_day + make_interval(mins => v_hour * 60 + v_minute);
          v_utc := v_wall AT TIME ZONE 'UTC';
          -- No later wall time can come before what we have.
          EXIT hours WHEN v_best IS NOT NULL AND v_utc - greatest(v_off_a, v_off_b) > v_best;
          v_a := v_utc - v_off_a;
          v_b := v_utc - v_off_b;
          v_ok_a := (v_a AT TIME ZONE p_tz) = v_wall;
          v_ok_b := v_off_a <> v_off_b AND (v_b AT TIME ZONE p_tz) = v_wall;
          v_run := CASE WHEN v_ok_a AND v_ok_b THEN least(v_a, v_b)
                        WHEN v_ok_a THEN v_a
                        WHEN v_ok_b THEN v_b
                        ELSE v_wall AT TIME ZONE p_tz END;
          IF v_run <= p_after AND v_ok_a AND v_ok_b AND p_cron.hour_star THEN
            v_run := greatest(v_a, v_b);  -- the repeated hour's second occurrence
          END IF;
          IF v_run > p_after AND (v_best IS NULL OR v_run < v_best) THEN
            v_best := v_run;
          END IF;
        END LOOP;
      END LOOP;
    END IF;
    v_day := v_day + 1;
  END LOOP;
END
$fn$;

COMMENT ON FUNCTION internal.cron_next_parsed(record, text, timestamptz) IS
  'api.cron_next for an expression parsed once with internal.cron_parse (p_cron is its row): the earliest run strictly after p_after on the wall clock of zone p_tz, clock changes included.';
REVOKE ALL ON FUNCTION internal.cron_next_parsed(record, text, timestamptz) FROM PUBLIC;

-- internal.cron_parse(expr): a five-field cron expression (or macro) as bitmasks, or 22023 naming the bad field.
CREATE OR REPLACE FUNCTION internal.cron_parse(
  p_expr         text,
  OUT minutes    bigint,
  OUT hours      integer,
  OUT days       bigint,
  OUT months     integer,
  OUT weekdays   integer,
  OUT dom_star   boolean,
  OUT dow_star   boolean,
  OUT hour_star  boolean,
  OUT expression text
)
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
AS $fn$
DECLARE
  c_field_names constant text[] := ARRAY['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
  c_lo          constant integer[] := ARRAY[0, 0, 1, 1, 0];
  c_hi          constant integer[] := ARRAY[59, 23, 31, 12, 7];
  c_month_names constant text[] := ARRAY['jan', 'feb', 'mar', 'apr', 'may', 'jun',
                                         'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  c_day_names   constant text[] := ARRAY['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  -- Longest month of each month, Feb counting leap years.
  c_month_days  constant integer[] := ARRAY[31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  v_fields text[];
  v_field  text;
  v_item   text;
  v_range  text;
  v_step_text text;
  v_token  text;
  v_value  integer;
  v_lo     integer;
  v_hi     integer;
  v_step   integer;
  v_bits   bigint;
  v_masks  bigint[] := ARRAY[0, 0, 0, 0, 0]::bigint[];
  v_month  integer;
BEGIN
  /*
   * Parsed once per call of api.cron_next, which then only tests bits:
   * bit n of `minutes` is set when minute n runs, likewise hours (0-23),
   * days (1-31), months (1-12) and weekdays (0-6; 7 is folded onto 0, both
   * Sunday). The *_star flags say whether a field starts with `*`, which the
   * classic (Vixie) rules use: day-of-month and day-of-week must both match
   * when either starts with `*`, either may match when both are restricted;
   * and a fall-back hour repeats only for jobs whose hour field starts with `*`.
   *
   * Accepted per field: `*`, `n`, `a-b` (a <= b), with `/step` after `*`,
   * `a-b` or `a` (`a/n` runs from a to the field's maximum), lists of these,
   * JAN-DEC and SUN-SAT in any case. A step must lie between 1 and the
   * field's maximum. An expression no calendar date can satisfy (`0 0 30 2 *`)
   * is rejected here, so the search in api.cron_next always ends. `expression`
   * is the normalised form: macros expanded, single spaces, names upper case.
   */
  IF p_expr IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'cron expression is missing',
      HINT = 'Give five fields (minute hour day-of-month month day-of-week), e.g. ''0 9 * * mon-fri'', or a macro such as @daily.';
  END IF;

  -- Split on single spaces when that is all there is (a tenth of the cost of
  -- the regular expression split).
  IF p_expr ~ '^[^ \t\r\n]+( [^ \t\r\n]+)*$' THEN
    v_fields := string_to_array(lower(p_expr), ' ');
  ELSE
    v_fields := regexp_split_to_array(lower(btrim(p_expr, E' \t\r\n')), E'[ \t\r\n]+');
  END IF;
  IF cardinality(v_fields) = 1 AND left(v_fields[1], 1) = '@' THEN
    v_fields := string_to_array(
      CASE v_fields[1]
        WHEN '@yearly'   THEN '0 0 1 1 *'
        WHEN '@annually' THEN '0 0 1 1 *'
        WHEN '@monthly'  THEN '0 0 1 * *'
        WHEN '@weekly'   THEN '0 0 * * 0'
        WHEN '@daily'    THEN '0 0 * * *'
        WHEN '@midnight' THEN '0 0 * * *'
        WHEN '@hourly'   THEN '0 * * * *'
      END, ' ');
    IF v_fields IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
        MESSAGE = format('cron expression "%s": unknown macro', p_expr),
        HINT = 'The macros are @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly.';
    END IF;
  END IF;
  IF cardinality(v_fields) <> 5 THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('cron expression "%s": expected 5 fields, found %s', p_expr,
                       CASE WHEN v_fields = ARRAY[''] THEN 0 ELSE cardinality(v_fields) END),
      HINT = 'The fields are minute hour day-of-month month day-of-week, e.g. ''30 1 * * *''; or use a macro such as @daily.';
  END IF;

  FOR f IN 1..5 LOOP
    v_field := v_fields[f];
    -- The common fields, `*` and one number, skip the general path.
    IF v_field = '*' THEN
      v_masks[f] := ((1::bigint << (c_hi[f] + 1)) - 1) # ((1::bigint << c_lo[f]) - 1);
      CONTINUE;
    ELSIF v_field ~ '^[0-9]{1,2}$' AND v_field::integer BETWEEN c_lo[f] AND c_hi[f] THEN
      v_masks[f] := 1::bigint << v_field::integer;
      CONTINUE;
    END IF;
    v_bits := 0;
    FOREACH v_item IN ARRAY string_to_array(v_field, ',') LOOP
      -- One regular expression without captures checks the shape (a capturing
      -- one costs ~40 us a call in PostgreSQL's engine); split_part takes it apart.
      IF v_item !~ '^(?:\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/[0-9]+)?$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
          MESSAGE = format('cron expression "%s": %s field "%s" is not a value, range, step or list',
                           p_expr, c_field_names[f], v_field),
          HINT = 'Each field takes *, n, a-b, */n, a-b/n, a/n or a comma-separated list of these'
                 || CASE f WHEN 4 THEN '; months may be named JAN-DEC' WHEN 5 THEN '; days may be named SUN-SAT' ELSE '' END
                 || '.';
      END IF;
      v_range := split_part(v_item, '/', 1);
      v_step_text := nullif(split_part(v_item, '/', 2), '');

      IF v_range = '*' THEN
        v_lo := c_lo[f];
        v_hi := c_hi[f];
      ELSE
        FOR e IN 1..2 LOOP
          v_token := split_part(v_range, '-', e);
          EXIT WHEN v_token = '';
          IF v_token ~ '^[0-9]+$' THEN
            v_value := CASE WHEN length(v_token) > 4 THEN 99999 ELSE v_token::integer END;
          ELSE
            v_value := CASE f WHEN 4 THEN array_position(c_month_names, v_token)
                              WHEN 5 THEN array_position(c_day_names, v_token) - 1 END;
            IF v_value IS NULL THEN
              RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                MESSAGE = format('cron expression "%s": %s field "%s": unknown name "%s"',
                                 p_expr, c_field_names[f], v_field, v_token),
                HINT = CASE f WHEN 4 THEN 'Month names are JAN-DEC.' WHEN 5 THEN 'Day names are SUN-SAT.'
                              ELSE format('The %s field takes numbers only.', c_field_names[f]) END;
            END IF;
          END IF;
          IF v_value NOT BETWEEN c_lo[f] AND c_hi[f] THEN
            RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
              MESSAGE = format('cron expression "%s": %s field "%s" out of range %s-%s',
                               p_expr, c_field_names[f], v_token, c_lo[f], c_hi[f]);
          END IF;
          IF e = 1 THEN
            v_lo := v_value;
            -- `a` alone is one value; `a/n` runs from a to the field's maximum.
            v_hi := CASE WHEN v_step_text IS NULL THEN v_value ELSE c_hi[f] END;
          ELSE
            v_hi := v_value;
          END IF;
        END LOOP;
        IF v_hi < v_lo THEN
          RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('cron expression "%s": %s field "%s": range %s runs backwards',
                             p_expr, c_field_names[f], v_item, v_range),
            HINT = CASE WHEN f = 5 THEN 'Write ranges low to high; Sunday is 0 or 7, e.g. FRI-7 or 5-7.'
                        ELSE 'Write ranges low to high, or list both parts, e.g. 22-23,0-2.' END;
        END IF;
      END IF;

      v_step := 1;
      IF v_step_text IS NOT NULL THEN
        v_step := CASE WHEN length(v_step_text) > 4 THEN 99999 ELSE v_step_text::integer END;
        IF v_step NOT BETWEEN 1 AND c_hi[f] THEN
          RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('cron expression "%s": %s field "%s": step %s out of range 1-%s',
                             p_expr, c_field_names[f], v_item, v_step_text, c_hi[f]);
        END IF;
      END IF;

      IF v_step = 1 THEN
        v_bits := v_bits | (((1::bigint << (v_hi + 1)) - 1) # ((1::bigint << v_lo) - 1));
      ELSE
        FOR i IN v_lo..v_hi BY v_step LOOP
          v_bits := v_bits | (1::bigint << i);
        END LOOP;
      END IF;
    END LOOP;
    v_masks[f] := v_bits;
  END LOOP;

  minutes   := v_masks[1];
  hours     := v_masks[2]::integer;
  days      := v_masks[3];
  months    := v_masks[4]::integer;
  weekdays  := ((v_masks[5] | (v_masks[5] >> 7)) & 127)::integer;  -- 7 is Sunday too
  hour_star := left(v_fields[2], 1) = '*';
  dom_star  := left(v_fields[3], 1) = '*';
  dow_star  := left(v_fields[5], 1) = '*';
  expression := upper(array_to_string(v_fields, ' '));

  -- When both day fields must match (one starts with *), some month named
  -- must be long enough for some day named: every date of the Gregorian
  -- calendar, 29 February included, falls on each weekday in some year.
  -- When either may match, the day-of-week field alone always can.
  IF dom_star OR dow_star THEN
    FOR v_month IN 1..12 LOOP
      EXIT WHEN (months >> v_month) & 1 = 1
                AND days & ((1::bigint << (c_month_days[v_month] + 1)) - 2) <> 0;
      IF v_month = 12 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
          MESSAGE = format('cron expression "%s" never runs: no month in field "%s" has a day in field "%s"',
                           p_expr, v_fields[4], v_fields[3]),
          HINT = 'Check the day-of-month against the months'' lengths (February has at most 29 days; April, June, September and November 30).';
      END IF;
    END LOOP;
  END IF;
END
$fn$;

COMMENT ON FUNCTION internal.cron_parse(text) IS
  'Parses a five-field cron expression or macro into bitmasks (minutes, hours, days, months, weekdays with Sunday = 0), the fields-starting-with-* flags, and its normalised text. Raises 22023 naming the bad field, or for an expression no date satisfies; 22004 when NULL.';
REVOKE ALL ON FUNCTION internal.cron_parse(text) FROM PUBLIC;

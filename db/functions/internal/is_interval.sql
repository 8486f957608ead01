-- internal.is_interval(text): whether the text reads as an interval (PostgreSQL 15 has no pg_input_is_valid).
CREATE OR REPLACE FUNCTION internal.is_interval(p_text text)
RETURNS boolean
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
AS $fn$
BEGIN
  PERFORM p_text::interval;
  RETURN p_text IS NOT NULL;
EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR interval_field_overflow THEN
  RETURN false;
END
$fn$;

COMMENT ON FUNCTION internal.is_interval(text) IS
  'True when p_text casts to interval, false (not an error) when it does not.';
REVOKE ALL ON FUNCTION internal.is_interval(text) FROM PUBLIC;

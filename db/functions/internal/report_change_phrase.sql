-- internal.report_change_phrase(current, previous, against): "18% above the same night last week".
CREATE OR REPLACE FUNCTION internal.report_change_phrase(
  p_current  numeric,
  p_previous numeric,
  p_against  text
)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * How a report sentence compares a figure with the comparison period:
   * "18% above <against>", "5% below <against>", "level with <against>"
   * (under half a percent either way), or, when the comparison period had
   * nothing (zero or no value), "against nothing <against>".
   */
  SELECT CASE
    WHEN p_current IS NULL THEN 'with no value to compare'
    WHEN coalesce(p_previous, 0) = 0 THEN
      CASE WHEN p_current = 0 THEN 'level with ' ELSE 'against nothing ' END || p_against
    WHEN round(abs(p_current - p_previous) * 100 / abs(p_previous)) = 0 THEN 'level with ' || p_against
    ELSE format('%s%% %s %s', round(abs(p_current - p_previous) * 100 / abs(p_previous)),
                CASE WHEN p_current > p_previous THEN 'above' ELSE 'below' END, p_against)
  END
$fn$;

COMMENT ON FUNCTION internal.report_change_phrase(numeric, numeric, text) IS
  'A comparison written for a report sentence: "18% above the same night last week", "level with ...", "against nothing ...".';
REVOKE ALL ON FUNCTION internal.report_change_phrase(numeric, numeric, text) FROM PUBLIC;

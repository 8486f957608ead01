-- api.cron_validate(expr): the normalised form of a cron expression, or 22023 saying which field is wrong.
CREATE OR REPLACE FUNCTION api.cron_validate(p_expr text)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * What api.cron_next accepts, checked without a time zone: for a CHECK
   * constraint or a form that stores a schedule. Returns the expression
   * normalised (macros expanded to five fields, single spaces, names upper
   * case: '@daily' -> '0 0 * * *', '0 9 * jan-mar  mon-fri' ->
   * '0 9 * JAN-MAR MON-FRI'), so equal schedules compare equal; raises 22023
   * naming the bad field, or when no date can satisfy the expression
   * ('0 0 30 2 *'), and 22004 when NULL.
   */
  SELECT (internal.cron_parse(p_expr)).expression
$fn$;

COMMENT ON FUNCTION api.cron_validate(text) IS
  'Checks a five-field cron expression (or @daily-style macro) and returns it normalised: macros expanded, single spaces, names upper case. Raises 22023 naming the bad field (out of range, bad step, unknown name, backwards range, wrong field count) or when no date satisfies it (0 0 30 2 *); 22004 when NULL.';
REVOKE ALL ON FUNCTION api.cron_validate(text) FROM PUBLIC;

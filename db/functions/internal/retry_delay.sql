-- internal.retry_delay(base, cap, jitter, attempt): how long a run waits before its next attempt.
CREATE OR REPLACE FUNCTION internal.retry_delay(
  p_base    interval,
  p_cap     interval,
  p_jitter  numeric,
  p_attempt integer)
RETURNS interval
LANGUAGE sql
VOLATILE PARALLEL SAFE
AS $fn$
  /*
   * Capped exponential back-off with jitter: after attempt n failed, wait
   * min(cap, base * 2^(n-1)), then add up to jitter of that at random, so
   * runs that failed together (a database restart) do not all retry in the
   * same second. With base 1 minute, cap 1 hour, jitter 0.1: 1, 2, 4, 8, 16,
   * 32, 60, 60 ... minutes, each up to 10% longer. The exponent is clamped
   * so a high attempt count cannot overflow the interval.
   */
  SELECT least(p_cap, p_base * power(2, least(greatest(p_attempt, 1) - 1, 40)))
         * (1 + p_jitter * random()::numeric)
$fn$;

COMMENT ON FUNCTION internal.retry_delay(interval, interval, numeric, integer) IS
  'Back-off before the attempt after attempt p_attempt: least(cap, base * 2^(attempt-1)), plus up to p_jitter of it at random.';
REVOKE ALL ON FUNCTION internal.retry_delay(interval, interval, numeric, integer) FROM PUBLIC;

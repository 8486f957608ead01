-- internal.report_job_name(key, cron, timezone, filters): the name of the report job serving such subscriptions.
CREATE OR REPLACE FUNCTION internal.report_job_name(
  p_template_key    text,
  p_cron_expression text,
  p_timezone        text,
  p_filters         jsonb
)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * report:<key> for subscriptions on the template's own schedule
   * (p_cron_expression NULL) without filters; otherwise
   * report:<key>:<8 hex digits of md5(cron|zone|filters)>, the same for
   * every subscription with the same schedule and filters, so they share one
   * job and one generation.
   */
  SELECT CASE WHEN p_cron_expression IS NULL AND coalesce(p_filters, '{}') = '{}' THEN 'report:' || p_template_key
              ELSE 'report:' || p_template_key || ':'
                   || left(md5(concat_ws('|', p_cron_expression, p_timezone, coalesce(p_filters, '{}')::text)), 8)
         END
$fn$;

COMMENT ON FUNCTION internal.report_job_name(text, text, text, jsonb) IS
  'The scheduled job name shared by subscriptions to a template key with the same custom schedule (NULL = the template''s) and filters.';
REVOKE ALL ON FUNCTION internal.report_job_name(text, text, text, jsonb) FROM PUBLIC;

-- api.clear_metrics_cache([organization]): drop expired cache entries.
CREATE OR REPLACE FUNCTION api.clear_metrics_cache(p_organization_id uuid DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_deleted integer;
BEGIN
  /* The 3am maintenance task of seed 001: removes expired entries (of one organization when given). */
  DELETE FROM reporting.report_metrics_cache
   WHERE expires_at <= clock_timestamp()
     AND (p_organization_id IS NULL OR organization_id = p_organization_id);
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  RETURN v_deleted;
END
$fn$;

COMMENT ON FUNCTION api.clear_metrics_cache(uuid) IS
  'Deletes expired rows of reporting.report_metrics_cache (optionally of one organization); returns how many.';
REVOKE ALL ON FUNCTION api.clear_metrics_cache(uuid) FROM PUBLIC;

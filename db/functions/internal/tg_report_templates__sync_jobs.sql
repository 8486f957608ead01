-- internal.tg_report_templates__sync_jobs(): a newly active template version brings its schedule to the report jobs.
-- SECURITY DEFINER: a template an admin activates or retires through RLS moves the engine's report jobs, which no client writes directly.
CREATE OR REPLACE FUNCTION internal.tg_report_templates__sync_jobs()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  /*
   * AFTER UPDATE OF status on reporting.report_templates, per row, when a
   * version's status changes: subscriptions follow their key, so the report
   * jobs of the organization are synced to the new active version's
   * schedule, or disabled when the key has no active version left.
   */
  PERFORM set_config('nightcap.syncing_report_jobs', 'on', true);
  PERFORM internal.sync_report_jobs(ARRAY[NEW.organization_id]);
  PERFORM set_config('nightcap.syncing_report_jobs', 'off', true);
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_templates__sync_jobs() IS
  'Syncs an organization''s report jobs when one of its template versions is activated or retired.';
REVOKE ALL ON FUNCTION internal.tg_report_templates__sync_jobs() FROM PUBLIC;

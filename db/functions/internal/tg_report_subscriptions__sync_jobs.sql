-- internal.tg_report_subscriptions__sync_jobs(): subscriptions written, their report jobs follow.
-- SECURITY DEFINER: a subscription an admin writes through RLS makes and retires the engine's report jobs and alert rules, which no client writes directly.
CREATE OR REPLACE FUNCTION internal.tg_report_subscriptions__sync_jobs()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_orgs uuid[];
BEGIN
  /*
   * AFTER INSERT, UPDATE or DELETE on reporting.report_subscriptions, per
   * statement (transition tables new_rows / old_rows): runs
   * internal.sync_report_jobs for the organizations touched. Its own update
   * of job_id and next_delivery_at is not a change to sync again
   * (nightcap.syncing_report_jobs is on meanwhile).
   */
  IF current_setting('nightcap.syncing_report_jobs', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT n.organization_id) INTO v_orgs FROM new_rows n;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT o.organization_id) INTO v_orgs FROM old_rows o;
  ELSE
    SELECT array_agg(DISTINCT x.organization_id) INTO v_orgs
      FROM (SELECT n.organization_id FROM new_rows n UNION SELECT o.organization_id FROM old_rows o) x;
  END IF;
  IF v_orgs IS NOT NULL THEN
    PERFORM set_config('nightcap.syncing_report_jobs', 'on', true);
    PERFORM internal.sync_report_jobs(v_orgs);
    PERFORM set_config('nightcap.syncing_report_jobs', 'off', true);
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_subscriptions__sync_jobs() IS
  'Keeps the report jobs of the organizations whose subscriptions a statement changed in step with them (internal.sync_report_jobs).';
REVOKE ALL ON FUNCTION internal.tg_report_subscriptions__sync_jobs() FROM PUBLIC;

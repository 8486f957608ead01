-- internal.sync_report_subscriptions(job): the subscriptions a report job serves learn its next run.
CREATE OR REPLACE FUNCTION internal.sync_report_subscriptions(p_job_id bigint)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * After a report job's run: each subscription the job serves takes the
   * job's next_run_at as its next_delivery_at. Marked as the engine's own
   * change, so the subscription trigger does not sync it back to the job.
   */
  PERFORM set_config('nightcap.syncing_report_jobs', 'on', true);  -- not a change to sync
  UPDATE reporting.report_subscriptions s
     SET next_delivery_at = j.next_run_at
    FROM reporting.scheduled_jobs j
   WHERE j.job_id = p_job_id AND s.job_id = p_job_id
     AND s.next_delivery_at IS DISTINCT FROM j.next_run_at;
  PERFORM set_config('nightcap.syncing_report_jobs', 'off', true);
END
$fn$;

COMMENT ON FUNCTION internal.sync_report_subscriptions(bigint) IS
  'Sets next_delivery_at of the subscriptions report job p_job_id serves to the job''s next_run_at.';
REVOKE ALL ON FUNCTION internal.sync_report_subscriptions(bigint) FROM PUBLIC;

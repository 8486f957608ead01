-- internal.tg_job_alert_events__notify(): a raised job alert's notifications to the organization's admins.
CREATE OR REPLACE FUNCTION internal.tg_job_alert_events__notify()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_queued integer;
BEGIN
  /*
   * AFTER INSERT on reporting.job_alert_events, per statement (new_rows):
   * each newly raised event of an organization's job is notified to its
   * admins (internal.create_alert_deliveries), with the alert as it reads
   * now (job, rule, message, details), and audited as alert.raised. A
   * further occurrence within the rule's grace period updates the open
   * event and raises nothing new, so it notifies nothing new either. Events
   * of system jobs (no organization) have no admins to tell. Levels: a slow
   * run or a bounce rate is a warning, a failure, timeout or missed run
   * critical. A rule's channels, when it lists some, narrow the admins'
   * channels to those types; their free-form targets are not sent to, so
   * only the admins' own addresses, with consent and suppression, are used.
   * NOTIFY nightcap_deliveries once when anything was queued.
   */
  WITH raised AS (
    SELECT e.*, a.name AS alert_name, j.name AS job_name, j.timezone, o.name AS organization,
           o.slug AS organization_slug,
           CASE WHEN e.alert_type IN ('slow', 'bounce_rate') THEN 'warning' ELSE 'critical' END AS level,
           nullif(ARRAY(SELECT DISTINCT c ->> 'type' FROM jsonb_array_elements(a.channels) c
                         WHERE c ->> 'type' IS NOT NULL), '{}') AS channel_types
      FROM new_rows e
      JOIN reporting.job_alerts a ON a.alert_id = e.alert_id
      JOIN reporting.scheduled_jobs j ON j.job_id = e.job_id
      JOIN venue.organizations o ON o.organization_id = e.organization_id
  ), audited AS (
    SELECT r.*, internal.audit_event(r.organization_id, 'alert.raised', 'job_alert_event', r.event_id::text,
                                     NULL, jsonb_build_object('level', r.level),
                                     jsonb_build_object('alert_id', r.alert_id, 'alert_type', r.alert_type,
                                                        'job_id', r.job_id, 'run_id', r.run_id)) AS audit_id
      FROM raised r
  )
  SELECT coalesce(sum(internal.create_alert_deliveries(
           a.organization_id, a.event_id, NULL,
           jsonb_build_object(
             'kind', 'job', 'transition', 'raised', 'level', a.level, 'event_id', a.event_id,
             'alert_id', a.alert_id, 'alert_name', a.alert_name, 'alert_type', a.alert_type,
             'job_id', a.job_id, 'job_name', a.job_name, 'run_id', a.run_id, 'message', a.message,
             'details', a.details - 'channels', 'occurred_at', a.raised_at, 'timezone', a.timezone,
             'organization', a.organization, 'organization_slug', a.organization_slug),
           a.channel_types)), 0)
    INTO v_queued
    FROM audited a;
  IF v_queued > 0 THEN
    PERFORM pg_notify('nightcap_deliveries', 'alert');
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_job_alert_events__notify() IS
  'Queues each newly raised job alert event''s notifications to its organization''s admins (internal.create_alert_deliveries), audits alert.raised, and NOTIFYs nightcap_deliveries.';
REVOKE ALL ON FUNCTION internal.tg_job_alert_events__notify() FROM PUBLIC;

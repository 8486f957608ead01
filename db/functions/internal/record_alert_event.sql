-- internal.record_alert_event(alert, job, run, message, details): raises an alert event, or counts it into the open one.
CREATE OR REPLACE FUNCTION internal.record_alert_event(
  p_alert_id bigint,
  p_job_id   bigint,
  p_run_id   bigint,
  p_message  text,
  p_details  jsonb)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_alert reporting.job_alerts;
  v_event bigint;
  v_at    timestamptz := clock_timestamp();
BEGIN
  /*
   * The grace period: while an event of this rule for this job was raised
   * less than grace_period ago, a new match adds to its occurrences and
   * last_seen_at; only after it is a new event raised, and a NOTIFY on
   * channel nightcap_job_alert (payload: the event id) wakes whoever sends
   * alerts. An advisory lock per (rule, job) keeps two workers failing at
   * the same moment from raising two events. Returns the event's id.
   */
  SELECT * INTO STRICT v_alert FROM reporting.job_alerts WHERE alert_id = p_alert_id;
  PERFORM pg_advisory_xact_lock(hashtext('nightcap.job_alert'), hashtext(p_alert_id || ':' || p_job_id));

  UPDATE reporting.job_alert_events e
     SET occurrences = e.occurrences + 1, last_seen_at = v_at
   WHERE e.event_id = (SELECT o.event_id FROM reporting.job_alert_events o
                        WHERE o.alert_id = p_alert_id AND o.job_id = p_job_id
                          AND o.raised_at > v_at - v_alert.grace_period
                        ORDER BY o.raised_at DESC LIMIT 1)
  RETURNING e.event_id INTO v_event;
  IF v_event IS NOT NULL THEN
    RETURN v_event;
  END IF;

  INSERT INTO reporting.job_alert_events
         (alert_id, job_id, organization_id, run_id, alert_type, message, details, raised_at, last_seen_at)
  SELECT p_alert_id, p_job_id, j.organization_id, p_run_id, v_alert.alert_type, p_message,
         coalesce(p_details, '{}') || jsonb_build_object('channels', v_alert.channels), v_at, v_at
    FROM reporting.scheduled_jobs j WHERE j.job_id = p_job_id
  RETURNING event_id INTO v_event;
  PERFORM pg_notify('nightcap_job_alert', v_event::text);
  RETURN v_event;
END
$fn$;

COMMENT ON FUNCTION internal.record_alert_event(bigint, bigint, bigint, text, jsonb) IS
  'Raises an event of alert rule p_alert_id for job p_job_id (NOTIFY nightcap_job_alert), or, within the rule''s grace period after the last one, counts the match into that event. Returns the event id.';
REVOKE ALL ON FUNCTION internal.record_alert_event(bigint, bigint, bigint, text, jsonb) FROM PUBLIC;

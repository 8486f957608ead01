-- internal.check_missed_runs(from, to): raises missed_run alerts for the runs api.missed_runs finds in the window.
CREATE OR REPLACE FUNCTION internal.check_missed_runs(p_from timestamptz, p_to timestamptz)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
  -- The ticker runs every minute: an occurrence younger than this may simply not be enqueued yet.
  c_settle CONSTANT interval := interval '2 minutes';
  c_listed CONSTANT integer := 10;   -- occurrences spelled out in a message
  v_to     timestamptz;
  v_hit    record;
  v_msg    text;
  v_event  bigint;
  v_n      integer := 0;
BEGIN
  /*
   * The check_missed_runs task (internal.run_job), hourly in the system
   * calendar over the last day. For each enabled missed_run rule of
   * reporting.job_alerts and each job it covers (its job_id; job_id NULL:
   * every job of its organization; both NULL: every system job) that has
   * missed occurrences (api.missed_runs) in (p_from, p_to], it raises an
   * event through internal.record_alert_event, so within the rule's grace
   * period a new finding is counted into the open event instead of raising
   * another. The message names the job, how many runs and which (UTC).
   *
   * Each missed occurrence is reported once per rule: the event's details
   * list them ("missed", UTC instants), and occurrences an earlier event of
   * the same rule and job already lists are left out. So the hourly check
   * may look back a whole day (and catch what a late or skipped check
   * missed) without re-alerting the same gap every hour.
   *
   * Occurrences of the last two minutes before now are left to the next
   * check: the tick that enqueues them may not have committed yet.
   * Returns the number of events raised or counted into.
   */
  IF p_from IS NULL OR p_to IS NULL OR p_to < p_from THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('check_missed_runs: needs a window p_from <= p_to, got %s to %s',
                       coalesce(p_from::text, 'NULL'), coalesce(p_to::text, 'NULL'));
  END IF;
  v_to := greatest(p_from, least(p_to, now() - c_settle));

  FOR v_hit IN
    WITH missed AS (
      SELECT m.job_id, m.organization_id, m.name, m.scheduled_for
        FROM api.missed_runs(p_from, v_to) m
    ), news AS (
      SELECT a.alert_id, m.job_id, m.name, m.scheduled_for
        FROM missed m
        CROSS JOIN LATERAL internal.job_alert_rules(m.job_id, m.organization_id) a
       WHERE a.alert_type = 'missed_run'
         AND NOT EXISTS (
               SELECT 1
                 FROM reporting.job_alert_events e
                CROSS JOIN LATERAL jsonb_array_elements_text(e.details -> 'missed') AS x(at)
                WHERE e.alert_id = a.alert_id AND e.job_id = m.job_id
                  AND e.last_seen_at >= m.scheduled_for
                  AND x.at::timestamptz = m.scheduled_for)
    )
    SELECT n.alert_id, n.job_id, n.name,
           array_agg(to_char(n.scheduled_for AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')
                     ORDER BY n.scheduled_for) AS missed
      FROM news n
     GROUP BY n.alert_id, n.job_id, n.name
     ORDER BY n.alert_id, n.job_id
  LOOP
    v_msg := format('job %s (%s): %s missed run%s with no ledger row: %s%s',
      v_hit.job_id, v_hit.name, cardinality(v_hit.missed),
      CASE WHEN cardinality(v_hit.missed) = 1 THEN '' ELSE 's' END,
      array_to_string(v_hit.missed[1:c_listed], ', '),
      CASE WHEN cardinality(v_hit.missed) > c_listed
           THEN format(' and %s more', cardinality(v_hit.missed) - c_listed) ELSE '' END);
    v_event := internal.record_alert_event(v_hit.alert_id, v_hit.job_id, NULL, v_msg,
      jsonb_build_object('missed', to_jsonb(v_hit.missed), 'window_from', p_from, 'window_to', v_to));
    -- Counted into an open event: that event now lists these occurrences too.
    UPDATE reporting.job_alert_events e
       SET details = jsonb_set(e.details, '{missed}',
             (SELECT jsonb_agg(DISTINCT x.at ORDER BY x.at)
                FROM (SELECT jsonb_array_elements(coalesce(e.details -> 'missed', '[]'))
                      UNION ALL
                      SELECT jsonb_array_elements(to_jsonb(v_hit.missed))) AS x(at)))
     WHERE e.event_id = v_event
       AND NOT coalesce(e.details -> 'missed', '[]') @> to_jsonb(v_hit.missed);
    v_n := v_n + 1;
  END LOOP;
  RETURN v_n;
END
$fn$;

COMMENT ON FUNCTION internal.check_missed_runs(timestamptz, timestamptz) IS
  'Raises (or, within the grace period, counts into the open event) a missed_run alert for each job an enabled missed_run rule covers that has runs api.missed_runs lists in (p_from, p_to], each occurrence reported once per rule; the last two minutes are left to the next check. Returns the number of events touched.';
REVOKE ALL ON FUNCTION internal.check_missed_runs(timestamptz, timestamptz) FROM PUBLIC;

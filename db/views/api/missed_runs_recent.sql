-- api.missed_runs_recent: runs that should have happened and did not, as plain SQL.
DROP VIEW IF EXISTS api.missed_runs_recent;
CREATE VIEW api.missed_runs_recent WITH (security_invoker = true) AS
SELECT j.organization_id, j.job_id, j.name AS job_name, j.next_run_at AS scheduled_for,
       'overdue'::text AS source, NULL::bigint AS alert_event_id
  FROM reporting.scheduled_jobs j
 WHERE j.enabled AND j.next_run_at < now() - interval '2 minutes'
UNION ALL
SELECT e.organization_id, e.job_id, j.name, m.at::timestamptz, 'alert', e.event_id
  FROM reporting.job_alert_events e
  LEFT JOIN reporting.scheduled_jobs j ON j.job_id = e.job_id
 CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(e.details -> 'missed', '[]')) AS m(at)
 WHERE e.alert_type = 'missed_run' AND e.last_seen_at >= now() - interval '1 day';

COMMENT ON VIEW api.missed_runs_recent IS
  'Missed runs, readable without walking schedules: overdue = an enabled job whose next occurrence (next_run_at) is more than 2 minutes past and not yet enqueued (the ticker is not running); alert = an occurrence with no ledger row that the hourly missed-run check (api.missed_runs, through internal.check_missed_runs) listed in a missed_run alert event seen in the last day. For any window, a DBA calls api.missed_runs(from, to).';
COMMENT ON COLUMN api.missed_runs_recent.scheduled_for IS 'The occurrence that has no run.';
COMMENT ON COLUMN api.missed_runs_recent.source IS 'overdue (the schedule''s pending occurrence) or alert (listed by a missed_run alert event).';
COMMENT ON COLUMN api.missed_runs_recent.alert_event_id IS 'The reporting.job_alert_events row that lists it (alert only).';
REVOKE ALL ON api.missed_runs_recent FROM PUBLIC;
GRANT SELECT ON api.missed_runs_recent TO nightcap_admin, nightcap_manager, nightcap_auditor;

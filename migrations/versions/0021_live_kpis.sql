-- 0021: the monitoring views in db/views/api read the last hour, day or 30
-- days of the history tables, which keep 90 days and more: an index on the
-- time each window is taken on keeps those reads to the window instead of
-- a scan of the whole history. api.live_kpis needs none: it reads through
-- the (organization, venue, time) indexes the facts and rollups already have.

-- api.success_rates, api.failures_by_sqlstate, api.job_duration_percentiles.
CREATE INDEX job_execution_history_finished_idx ON reporting.job_execution_history (finished_at);

-- api.report_duration_percentiles, api.template_usage.
CREATE INDEX report_generation_history_requested_idx ON reporting.report_generation_history (requested_at);

-- api.reports_executed, api.recipients_per_report: when a report finished.
CREATE INDEX report_generation_history_finished_idx
  ON reporting.report_generation_history ((coalesce(completed_at, failed_at)))
  WHERE status IN ('completed', 'failed');

-- api.bounce_rates.
CREATE INDEX report_delivery_history_email_sent_idx
  ON reporting.report_delivery_history (sent_at)
  WHERE channel = 'email';

-- 0015: the render queue. Generated reports (data_ready) are claimed by
-- renderer daemons with a lease, one statement with FOR UPDATE SKIP LOCKED, as
-- job runs are; every render attempt leaves a row. A daemon that dies loses
-- nothing: its lease expires and the next claim takes the report back.

ALTER TABLE reporting.report_generation_history
  ADD COLUMN priority_rank smallint GENERATED ALWAYS AS (
    CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END) STORED,
  ADD COLUMN render_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN max_render_attempts integer NOT NULL DEFAULT 3,
  ADD COLUMN render_after timestamptz,
  ADD COLUMN render_worker text,
  ADD COLUMN heartbeat_at timestamptz,
  ADD COLUMN lease_expires_at timestamptz,
  ADD COLUMN peak_memory_kb bigint,
  ADD CONSTRAINT report_generation_history_render_attempts_sane CHECK (
    render_attempts >= 0 AND max_render_attempts >= 1),
  ADD CONSTRAINT report_generation_history_rendering_has_lease CHECK (
    status <> 'rendering' OR (render_worker IS NOT NULL AND lease_expires_at IS NOT NULL));
COMMENT ON COLUMN reporting.report_generation_history.priority_rank IS
  'critical 0, high 1, normal 2, low 3: the order reports are rendered in (then oldest first).';
COMMENT ON COLUMN reporting.report_generation_history.render_attempts IS
  'Render attempts claimed so far; a report whose attempts reach max_render_attempts and fails again, or whose daemon dies again, is failed for good.';
COMMENT ON COLUMN reporting.report_generation_history.render_after IS
  'A report whose render failed waits until then (the job engine''s back-off: 1, 2, 4 ... minutes) before it is claimed again.';

DROP INDEX reporting.report_generation_history_render_queue_idx;
CREATE INDEX report_generation_history_render_queue_idx
  ON reporting.report_generation_history (priority_rank, requested_at, generation_id)
  WHERE status = 'data_ready';
CREATE INDEX report_generation_history_leases_idx
  ON reporting.report_generation_history (lease_expires_at)
  WHERE status = 'rendering';

CREATE TABLE reporting.report_render_attempts (
  organization_id uuid NOT NULL,
  generation_id   bigint NOT NULL,
  attempt         integer NOT NULL,
  worker          text NOT NULL,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  status          text NOT NULL DEFAULT 'running',
  error_message   text,
  render_ms       jsonb,
  peak_memory_kb  bigint,
  PRIMARY KEY (organization_id, generation_id, attempt),
  FOREIGN KEY (organization_id, generation_id) REFERENCES reporting.report_generation_history,
  CONSTRAINT report_render_attempts_status_known CHECK (
    status IN ('running', 'succeeded', 'failed', 'lease_expired', 'released')),
  CONSTRAINT report_render_attempts_finished_when_done CHECK ((status = 'running') = (finished_at IS NULL)),
  CONSTRAINT report_render_attempts_failure_has_message CHECK (status <> 'failed' OR error_message IS NOT NULL)
);
COMMENT ON TABLE reporting.report_render_attempts IS
  'One row per render attempt of a generated report: which daemon, when, how it ended (succeeded, failed with the message, lease_expired when the daemon died, released when it stopped), per-format durations and its peak memory.';

-- Renderers and readers address a report by its generation_id alone.
CREATE INDEX report_generation_history_generation_idx ON reporting.report_generation_history (generation_id);

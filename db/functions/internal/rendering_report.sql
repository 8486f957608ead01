-- internal.rendering_report(generation, worker, caller): the report's row, locked, checked to be rendering by that worker.
CREATE OR REPLACE FUNCTION internal.rendering_report(p_generation_id bigint, p_worker text, p_caller text)
RETURNS reporting.report_generation_history
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_report reporting.report_generation_history;
BEGIN
  /*
   * What api.heartbeat_report, api.complete_report, api.fail_report and
   * api.release_report check first: the report exists (P0002), is
   * rendering (55000: it finished, or its lease expired and another daemon
   * took it) and is held by p_worker (55000), so a daemon that lost its
   * lease can never complete or fail another daemon's attempt.
   */
  SELECT * INTO v_report
    FROM reporting.report_generation_history h WHERE h.generation_id = p_generation_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION '%: no report generation %', p_caller, p_generation_id USING ERRCODE = 'P0002';
  END IF;
  IF v_report.status <> 'rendering' OR v_report.render_worker IS DISTINCT FROM p_worker THEN
    RAISE EXCEPTION '%: report % is % (worker %), not rendering by %', p_caller, p_generation_id, v_report.status,
      coalesce(v_report.render_worker, 'none'), p_worker
      USING ERRCODE = '55000', HINT = 'Its lease may have expired and another renderer taken it: drop this attempt.';
  END IF;
  RETURN v_report;
END
$fn$;

COMMENT ON FUNCTION internal.rendering_report(bigint, text, text) IS
  'Locks a report and checks that p_worker holds its render lease (P0002 unknown, 55000 not held).';
REVOKE ALL ON FUNCTION internal.rendering_report(bigint, text, text) FROM PUBLIC;

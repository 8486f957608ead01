-- api.release_report(generation, worker): a stopping renderer hands a report back unrendered.
-- SECURITY DEFINER: the renderer daemon (nightcap_renderer) works across organizations and holds no table privileges; this is one of the few calls it is granted.
CREATE OR REPLACE FUNCTION api.release_report(p_generation_id bigint, p_worker text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_report reporting.report_generation_history;
BEGIN
  /*
   * For a daemon told to stop (SIGTERM) before it finished a report: the
   * report goes straight back to data_ready for another daemon, and the
   * attempt is recorded released and not counted against its attempts
   * (attempt numbers stay in sequence: max_render_attempts grows by one).
   * P0002 / 55000 as api.heartbeat_report.
   */
  v_report := internal.rendering_report(p_generation_id, p_worker, 'release_report');
  UPDATE reporting.report_render_attempts a
     SET status = 'released', finished_at = clock_timestamp()
   WHERE a.organization_id = v_report.organization_id AND a.generation_id = p_generation_id
     AND a.attempt = v_report.render_attempts;
  UPDATE reporting.report_generation_history h
     SET status = 'data_ready', render_worker = NULL, lease_expires_at = NULL, heartbeat_at = NULL,
         max_render_attempts = h.max_render_attempts + 1  -- a released attempt does not count
   WHERE h.organization_id = v_report.organization_id AND h.generation_id = p_generation_id;
END
$fn$;

COMMENT ON FUNCTION api.release_report(bigint, text) IS
  'Hands a report a stopping renderer had claimed back to the queue, the attempt recorded released and not counted.';
REVOKE ALL ON FUNCTION api.release_report(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.release_report(bigint, text) TO nightcap_renderer;

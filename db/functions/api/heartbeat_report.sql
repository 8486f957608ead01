-- api.heartbeat_report(generation, worker, lease): a renderer still working on a report renews its lease.
-- SECURITY DEFINER: the renderer daemon (nightcap_renderer) works across organizations and holds no table privileges; this is one of the few calls it is granted.
CREATE OR REPLACE FUNCTION api.heartbeat_report(
  p_generation_id bigint,
  p_worker        text,
  p_lease         interval DEFAULT '60 seconds'
)
RETURNS timestamptz
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_until timestamptz := clock_timestamp() + p_lease;
BEGIN
  /*
   * Extends the lease of a report p_worker is rendering to now + p_lease and
   * returns the new expiry. P0002 unknown report; 55000 when p_worker no
   * longer holds it (its lease expired and another daemon took it: stop).
   */
  IF p_lease IS NULL OR p_lease < interval '1 second' OR p_lease > interval '1 hour' THEN
    RAISE EXCEPTION 'heartbeat_report: p_lease must be from 1 second to 1 hour, got %', p_lease USING ERRCODE = '22023';
  END IF;
  PERFORM internal.rendering_report(p_generation_id, p_worker, 'heartbeat_report');
  UPDATE reporting.report_generation_history h
     SET heartbeat_at = clock_timestamp(), lease_expires_at = v_until
   WHERE h.generation_id = p_generation_id;
  RETURN v_until;
END
$fn$;

COMMENT ON FUNCTION api.heartbeat_report(bigint, text, interval) IS
  'Renews a renderer''s lease on a report it is rendering; 55000 when the lease was lost.';
REVOKE ALL ON FUNCTION api.heartbeat_report(bigint, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.heartbeat_report(bigint, text, interval) TO nightcap_renderer;

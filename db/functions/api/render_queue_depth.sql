-- api.render_queue_depth(): reports waiting to be rendered and being rendered, for the renderer's metrics.
-- SECURITY DEFINER: the renderer daemon (nightcap_renderer) counts the queue of every organization and holds no table privileges; it learns two numbers, nothing else.
CREATE OR REPLACE FUNCTION api.render_queue_depth(
  OUT waiting   bigint,
  OUT rendering bigint
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
  /* waiting: status data_ready; rendering: status rendering (under a lease). */
  SELECT count(*) FILTER (WHERE h.status = 'data_ready'),
         count(*) FILTER (WHERE h.status = 'rendering')
    FROM reporting.report_generation_history h
   WHERE h.status IN ('data_ready', 'rendering')
$fn$;

COMMENT ON FUNCTION api.render_queue_depth() IS
  'How many reports wait to be rendered (data_ready) and are being rendered, across organizations: the renderer''s queue-depth metric.';
REVOKE ALL ON FUNCTION api.render_queue_depth() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.render_queue_depth() TO nightcap_renderer;

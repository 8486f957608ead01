-- Reports waiting to be rendered, and being rendered, for the metrics.
SELECT waiting, rendering FROM api.render_queue_depth()

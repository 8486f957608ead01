-- Reports waiting to be rendered, and being rendered, for the metrics.
SELECT count(*) FILTER (WHERE status = 'data_ready') AS waiting,
       count(*) FILTER (WHERE status = 'rendering') AS rendering
  FROM reporting.report_generation_history
 WHERE status IN ('data_ready', 'rendering')

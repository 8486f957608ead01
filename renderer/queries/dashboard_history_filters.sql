-- The choices of the history page's filters.
SELECT array_agg(DISTINCT h.template_key ORDER BY h.template_key) AS templates,
       array_agg(DISTINCT h.status ORDER BY h.status) AS statuses
  FROM reporting.report_generation_history h

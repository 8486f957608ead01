-- The files the renderer wrote for the demo's reports.
SELECT h.generation_id, h.template_key AS report, h.status, f ->> 'format' AS format,
       f ->> 'path' AS path, (f ->> 'bytes')::bigint AS bytes, (f ->> 'pages')::integer AS pages,
       (h.render_ms ->> (f ->> 'format'))::numeric AS render_ms
  FROM reporting.report_generation_history h
  LEFT JOIN LATERAL jsonb_array_elements(h.files) f ON true
 WHERE h.generation_id = ANY (%(ids)s)
 ORDER BY h.generation_id, f ->> 'format'

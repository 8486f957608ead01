-- The reports the demo's runs generated: ids and headline figures.
SELECT o.name AS organization, h.generation_id, h.template_key AS report, h.status, h.period_start, h.period_end,
       (h.summary ->> 'gross_revenue')::numeric AS gross_revenue,
       (h.summary ->> 'net_revenue')::numeric AS net_revenue,
       (h.summary ->> 'bookings_total')::integer AS bookings,
       (h.summary ->> 'check_ins')::integer AS check_ins,
       jsonb_array_length(h.snapshot -> 'sections') AS sections,
       jsonb_array_length(h.warnings) AS warnings,
       h.generation_ms,
       h.summary ->> 'headline' AS headline
  FROM reporting.report_generation_history h
  JOIN venue.organizations o USING (organization_id)
 WHERE h.run_id = ANY (%(run_ids)s)
 ORDER BY o.name, h.template_key

-- Report runs, newest first, with their files, filtered by template, status and requested date.
SELECT h.generation_id, o.name AS organization, h.template_key, coalesce(t.name, h.template_key) AS report,
       h.period_start, h.period_end,
       h.status, h.is_stale, h.requested_at, h.completed_at, h.generation_ms,
       jsonb_array_length(coalesce(h.warnings, '[]')) AS warnings, h.files,
       coalesce(h.error_message, h.skip_reason, h.stale_reason) AS note
  FROM reporting.report_generation_history h
  JOIN venue.organizations o USING (organization_id)
  LEFT JOIN reporting.report_templates t
    ON t.organization_id = h.organization_id AND t.template_id = h.template_id
 WHERE (%(template)s::text IS NULL OR h.template_key = %(template)s)
   AND (%(status)s::text IS NULL OR h.status = %(status)s)
   AND (%(from)s::date IS NULL OR h.requested_at >= %(from)s::date)
   AND (%(to)s::date IS NULL OR h.requested_at < %(to)s::date + 1)
 ORDER BY h.generation_id DESC
 LIMIT 200

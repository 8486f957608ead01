-- Where the demo's reports went.
SELECT d.delivery_id, d.generation_id, h.template_key AS report, r.role, d.channel, d.destination, d.status,
       d.provider, array_to_string(d.formats, ',') AS formats, d.skip_reason
  FROM reporting.report_delivery_history d
  JOIN reporting.report_generation_history h USING (organization_id, generation_id)
  JOIN reporting.report_recipients r USING (organization_id, recipient_id)
 WHERE d.generation_id = ANY (%(ids)s)
 ORDER BY d.generation_id, r.role, d.channel

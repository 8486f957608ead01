-- Where the demo's alert notifications went.
SELECT d.delivery_id, d.alert ->> 'transition' AS transition, d.alert ->> 'level' AS level,
       d.alert ->> 'venue' AS venue, d.alert ->> 'kpi_name' AS kpi, d.alert ->> 'business_date' AS night,
       d.alert ->> 'value' AS value, d.channel, d.destination, d.status, d.provider
  FROM reporting.report_delivery_history d
  JOIN venue.organizations o USING (organization_id)
 WHERE d.alert IS NOT NULL AND o.slug = ANY (%(slugs)s)
 ORDER BY d.delivery_id DESC
 LIMIT 12

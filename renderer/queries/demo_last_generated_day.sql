-- The last trading day with a night at any venue of an organization, and yesterday.
SELECT current_date - 1 AS until,
       max(internal.business_date(e.starts_at, v.timezone, v.trading_day_starts)) AS last_day
  FROM venue.venues v
  LEFT JOIN venue.events e USING (organization_id, venue_id)
 WHERE v.organization_id = %(organization_id)s

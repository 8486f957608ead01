-- Each venue's last trading day up to yesterday, from the daily rollup.
SELECT DISTINCT ON (o.name, v.name)
       o.name AS organization, v.name AS venue, d.business_date, d.organization_id, d.venue_id,
       d.gross_revenue, d.net_revenue, d.bookings_total, d.covers,
       d.peak_occupancy, round(d.occupancy_rate * 100, 1) AS occupancy_pct,
       d.customers_new, d.average_rating
  FROM reporting.daily_aggregations d
  JOIN venue.venues v USING (organization_id, venue_id)
  JOIN venue.organizations o USING (organization_id)
 WHERE d.business_date <= %(day)s AND d.bookings_total + d.check_ins > 0
 ORDER BY o.name, v.name, d.business_date DESC

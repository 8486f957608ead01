-- Headline KPIs of each venue's last trading day, with their status.
SELECT k.code, k.value, k.target, k.status
  FROM api.calculate_kpis(%(organization_id)s, %(day)s, %(day)s, %(venue_id)s) k
 WHERE k.code IN ('daily_revenue', 'average_spend_per_head', 'occupancy_rate',
                  'booking_conversion_rate', 'no_show_rate', 'average_rating')
 ORDER BY array_position(ARRAY['daily_revenue', 'average_spend_per_head', 'occupancy_rate',
                               'booking_conversion_rate', 'no_show_rate', 'average_rating'], k.code)

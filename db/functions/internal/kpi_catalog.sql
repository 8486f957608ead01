-- internal.kpi_catalog(): the standard KPIs every organization starts with.
CREATE OR REPLACE FUNCTION internal.kpi_catalog()
RETURNS TABLE (code text, name text, category text, unit text, direction text,
               target numeric, warning_threshold numeric, critical_threshold numeric,
               is_realtime boolean, description text)
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * The codes internal.kpi_values knows how to compute, with targets sized
   * for a late-night venue of ~850 capacity. Each organization gets a copy in
   * reporting.kpi_definitions and tunes its own targets there.
   */
  SELECT * FROM (VALUES
    ('daily_revenue', 'Revenue per trading day', 'revenue', 'currency', 'higher_better', 30000, 25000, 15000, true,
     'Gross revenue (succeeded deposit, table, bar and ticket payments) per trading day (a day with check-ins, bookings or revenue).'),
    ('net_revenue', 'Net revenue per trading day', 'revenue', 'currency', 'higher_better', 28000, 23000, 14000, true,
     'Gross revenue less refunds, per trading day.'),
    ('average_spend_per_head', 'Average spend per head', 'revenue', 'currency', 'higher_better', 45, 40, 30, false,
     'Gross revenue / people checked in.'),
    ('booking_conversion_rate', 'Booking conversion', 'bookings', 'ratio', 'higher_better', 0.85, 0.80, 0.70, false,
     'Completed bookings / all bookings.'),
    ('cancellation_rate', 'Cancellation rate', 'bookings', 'ratio', 'lower_better', 0.08, 0.10, 0.15, false,
     'Cancelled bookings / all bookings.'),
    ('no_show_rate', 'No-show rate', 'bookings', 'ratio', 'lower_better', 0.05, 0.08, 0.12, false,
     'No-shows / bookings that were due to arrive (all but cancelled and pending).'),
    ('average_party_size', 'Average party size', 'bookings', 'people', 'higher_better', 4.0, 3.5, 2.5, false,
     'Guests per booking not cancelled.'),
    ('occupancy_rate', 'Peak occupancy', 'operations', 'ratio', 'higher_better', 0.85, 0.70, 0.50, false,
     'Peak people inside / capacity, averaged over open nights (nights with check-ins).'),
    ('table_turnover', 'Table turnover', 'operations', 'count', 'higher_better', 1.0, 0.8, 0.5, false,
     'Table bookings not cancelled per active table, averaged over nights with bookings.'),
    ('new_customer_share', 'New customers', 'customers', 'ratio', 'higher_better', 0.35, 0.25, 0.15, false,
     'New customers / customers with a booking.'),
    ('vip_share', 'VIP customers', 'customers', 'ratio', 'higher_better', 0.05, 0.03, 0.01, false,
     'VIP customers / customers with a booking.'),
    ('average_rating', 'Average rating', 'customers', 'rating', 'higher_better', 4.5, 4.0, 3.5, false,
     'Mean feedback rating (1 to 5).')
  ) AS k(code, name, category, unit, direction, target, warning_threshold, critical_threshold, is_realtime, description)
$fn$;

COMMENT ON FUNCTION internal.kpi_catalog() IS
  'The standard KPI set (codes, units, directions, default targets and thresholds) seeded into reporting.kpi_definitions.';
REVOKE ALL ON FUNCTION internal.kpi_catalog() FROM PUBLIC;

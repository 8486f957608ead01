-- internal.dataset_staff_performance(organization, venue, from, to, params): hours, bookings and takings per member of staff.
CREATE OR REPLACE FUNCTION internal.dataset_staff_performance(
  p_organization_id uuid,
  p_venue_id        bigint,
  p_from            date,
  p_to              date,
  p_params          jsonb
)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $fn$
  /*
   * One row per member of staff who worked a shift, handled a booking or
   * took a payment in the period (trading days p_from..p_to of each venue):
   *   hours     shift length less breaks, of shifts starting in the period
   *   bookings  bookings not cancelled arriving in the period with their staff_id
   *   revenue   succeeded deposit, table, bar and ticket payments they took
   *             (refunds are not held against whoever took the payment)
   *   revenue_per_hour  revenue / hours, NULL without hours
   * Ordered by revenue, then hours; the first params.limit rows are
   * returned, totals cover everyone. Facts are read through their
   * (organization, venue, time) indexes for the period only. The rollups
   * carry no staff figures, so nothing here comes from them.
   */
  WITH v AS (
    SELECT * FROM internal.venue_periods(p_organization_id, p_venue_id, p_from, p_to)
  ), facts AS (
    SELECT s.staff_id, 1 AS shifts,
           extract(epoch FROM s.ends_at - s.starts_at) / 3600 - s.break_minutes / 60.0 AS hours,
           0 AS bookings, 0::numeric AS revenue
      FROM v JOIN venue.shifts s
        ON s.organization_id = v.organization_id AND s.venue_id = v.venue_id
       AND s.starts_at >= v.lo AND s.starts_at < v.hi
    UNION ALL
    SELECT b.staff_id, 0, 0, 1, 0
      FROM v JOIN venue.bookings b
        ON b.organization_id = v.organization_id AND b.venue_id = v.venue_id
       AND b.arrives_at >= v.lo AND b.arrives_at < v.hi
     WHERE b.staff_id IS NOT NULL AND b.status <> 'cancelled'
    UNION ALL
    SELECT p.staff_id, 0, 0, 0, p.amount
      FROM v JOIN venue.payments p
        ON p.organization_id = v.organization_id AND p.venue_id = v.venue_id
       AND p.paid_at >= v.lo AND p.paid_at < v.hi
     WHERE p.staff_id IS NOT NULL AND p.status = 'succeeded' AND p.kind <> 'refund'
  ), per AS (
    SELECT f.staff_id, st.full_name, st.role, sum(f.shifts) AS shifts, round(sum(f.hours), 2) AS hours,
           sum(f.bookings) AS bookings, sum(f.revenue) AS revenue,
           round(sum(f.revenue) / nullif(sum(f.hours), 0), 2) AS revenue_per_hour,
           row_number() OVER (ORDER BY sum(f.revenue) DESC, sum(f.hours) DESC, st.full_name, f.staff_id) AS rank
      FROM facts f
      JOIN venue.staff st ON st.organization_id = p_organization_id AND st.staff_id = f.staff_id
     GROUP BY f.staff_id, st.full_name, st.role
  )
  SELECT jsonb_build_object(
    'columns', jsonb_build_array(
      jsonb_build_object('key', 'rank', 'label', '#', 'type', 'count'),
      jsonb_build_object('key', 'name', 'label', 'Staff', 'type', 'text'),
      jsonb_build_object('key', 'role', 'label', 'Role', 'type', 'text'),
      jsonb_build_object('key', 'shifts', 'label', 'Shifts', 'type', 'count'),
      jsonb_build_object('key', 'hours', 'label', 'Hours', 'type', 'hours'),
      jsonb_build_object('key', 'bookings', 'label', 'Bookings', 'type', 'count'),
      jsonb_build_object('key', 'revenue', 'label', 'Revenue taken', 'type', 'currency'),
      jsonb_build_object('key', 'revenue_per_hour', 'label', 'Revenue per hour', 'type', 'currency')),
    'rows', coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'rank', per.rank, 'staff_id', per.staff_id, 'name', per.full_name, 'role', per.role,
                        'shifts', per.shifts, 'hours', per.hours, 'bookings', per.bookings,
                        'revenue', round(per.revenue, 2), 'revenue_per_hour', per.revenue_per_hour) ORDER BY per.rank)
                        FROM per WHERE per.rank <= coalesce((p_params ->> 'limit')::int, 20)), '[]'),
    'totals', (SELECT jsonb_build_object(
                 'name', format('%s staff', count(*)), 'shifts', coalesce(sum(per.shifts), 0),
                 'hours', coalesce(sum(per.hours), 0), 'bookings', coalesce(sum(per.bookings), 0),
                 'revenue', round(coalesce(sum(per.revenue), 0), 2),
                 'revenue_per_hour', round(sum(per.revenue) / nullif(sum(per.hours), 0), 2))
                 FROM per),
    'chart', jsonb_build_object(
      'type', 'bar',
      'x', jsonb_build_object('key', 'name', 'label', 'Staff'),
      'series', jsonb_build_array(jsonb_build_object('key', 'revenue', 'label', 'Revenue taken', 'unit', 'currency'))))
$fn$;

COMMENT ON FUNCTION internal.dataset_staff_performance(uuid, bigint, date, date, jsonb) IS
  'Report dataset staff_performance: per member of staff in the period, shifts, hours worked, bookings handled, revenue taken and revenue per hour, from the facts by their time indexes.';
REVOKE ALL ON FUNCTION internal.dataset_staff_performance(uuid, bigint, date, date, jsonb) FROM PUBLIC;

-- internal.tg_customers__requeue_days(): a customer's VIP flag changes the days they booked.
-- SECURITY DEFINER: the aggregation queue is the engine's: an admin changing a customer queues the re-aggregation without any privilege on it.
CREATE OR REPLACE FUNCTION internal.tg_customers__requeue_days()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  /*
   * Statement-level AFTER UPDATE on venue.customers: for customers whose
   * is_vip changed, queues the venue-days of their bookings, whose
   * customers_vip counts change with it.
   */
  INSERT INTO internal.aggregation_queue (organization_id, venue_id, business_date)
  SELECT DISTINCT b.organization_id, b.venue_id,
         internal.business_date(b.arrives_at, v.timezone, v.trading_day_starts)
    FROM new_rows n
    JOIN old_rows o USING (organization_id, customer_id)
    JOIN venue.bookings b ON b.organization_id = n.organization_id AND b.customer_id = n.customer_id
    JOIN venue.venues v ON v.organization_id = b.organization_id AND v.venue_id = b.venue_id
   WHERE n.is_vip IS DISTINCT FROM o.is_vip
   ORDER BY 1, 2, 3;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_customers__requeue_days() IS
  'Queues the venue-days of the bookings of customers whose VIP flag changed.';
REVOKE ALL ON FUNCTION internal.tg_customers__requeue_days() FROM PUBLIC;

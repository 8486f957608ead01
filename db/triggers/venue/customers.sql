-- Set-based reference checks of venue.customers (see internal.tg_check_references).

DROP TRIGGER IF EXISTS customers__check_referencing_rows__delete ON venue.customers;
CREATE TRIGGER customers__check_referencing_rows__delete
  AFTER DELETE ON venue.customers
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:customer_id',
    'payments:customer_id',
    'check_ins:customer_id',
    'feedback:customer_id');

DROP TRIGGER IF EXISTS customers__check_referencing_rows__update ON venue.customers;
CREATE TRIGGER customers__check_referencing_rows__update
  AFTER UPDATE ON venue.customers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:customer_id',
    'payments:customer_id',
    'check_ins:customer_id',
    'feedback:customer_id');

-- A VIP flag changes the customers_vip counts of the days the customer booked.
DROP TRIGGER IF EXISTS customers__requeue_days__update ON venue.customers;
CREATE TRIGGER customers__requeue_days__update
  AFTER UPDATE ON venue.customers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_customers__requeue_days();

-- Set-based reference checks of venue.payments (see internal.tg_check_references).

DROP TRIGGER IF EXISTS payments__check_references__insert ON venue.payments;
CREATE TRIGGER payments__check_references__insert
  AFTER INSERT ON venue.payments
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_references(
    'venues:venue_id',
    'bookings:booking_id',
    'events:venue_id,event_id',
    'customers:customer_id',
    'staff:staff_id',
    'payments:refund_of_payment_id=payment_id');

DROP TRIGGER IF EXISTS payments__check_references__update ON venue.payments;
CREATE TRIGGER payments__check_references__update
  AFTER UPDATE ON venue.payments
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_references(
    'venues:venue_id',
    'bookings:booking_id',
    'events:venue_id,event_id',
    'customers:customer_id',
    'staff:staff_id',
    'payments:refund_of_payment_id=payment_id');

DROP TRIGGER IF EXISTS payments__check_referencing_rows__delete ON venue.payments;
CREATE TRIGGER payments__check_referencing_rows__delete
  AFTER DELETE ON venue.payments
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'payments:refund_of_payment_id=payment_id');

DROP TRIGGER IF EXISTS payments__check_referencing_rows__update ON venue.payments;
CREATE TRIGGER payments__check_referencing_rows__update
  AFTER UPDATE ON venue.payments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'payments:refund_of_payment_id=payment_id');

-- Changed venue-days go to the aggregation queue (see internal.tg_mark_aggregation_dirty).
DROP TRIGGER IF EXISTS payments__mark_aggregation_dirty__insert ON venue.payments;
CREATE TRIGGER payments__mark_aggregation_dirty__insert
  AFTER INSERT ON venue.payments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('paid_at', 'event_id');
DROP TRIGGER IF EXISTS payments__mark_aggregation_dirty__update ON venue.payments;
CREATE TRIGGER payments__mark_aggregation_dirty__update
  AFTER UPDATE ON venue.payments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('paid_at', 'event_id');
DROP TRIGGER IF EXISTS payments__mark_aggregation_dirty__delete ON venue.payments;
CREATE TRIGGER payments__mark_aggregation_dirty__delete
  AFTER DELETE ON venue.payments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('paid_at', 'event_id');

-- Live dashboards of the touched venues are woken once per transaction (see internal.tg_notify_live).
DROP TRIGGER IF EXISTS payments__notify_live__insert ON venue.payments;
CREATE TRIGGER payments__notify_live__insert
  AFTER INSERT ON venue.payments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_notify_live();
DROP TRIGGER IF EXISTS payments__notify_live__update ON venue.payments;
CREATE TRIGGER payments__notify_live__update
  AFTER UPDATE ON venue.payments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_notify_live();
DROP TRIGGER IF EXISTS payments__notify_live__delete ON venue.payments;
CREATE TRIGGER payments__notify_live__delete
  AFTER DELETE ON venue.payments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_notify_live();

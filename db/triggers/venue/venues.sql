-- Set-based reference checks of venue.venues (see internal.tg_check_references).

DROP TRIGGER IF EXISTS venues__check_referencing_rows__delete ON venue.venues;
CREATE TRIGGER venues__check_referencing_rows__delete
  AFTER DELETE ON venue.venues
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:venue_id',
    'payments:venue_id',
    'check_ins:venue_id',
    'feedback:venue_id');

DROP TRIGGER IF EXISTS venues__check_referencing_rows__update ON venue.venues;
CREATE TRIGGER venues__check_referencing_rows__update
  AFTER UPDATE ON venue.venues
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:venue_id',
    'payments:venue_id',
    'check_ins:venue_id',
    'feedback:venue_id');

-- Capacity, time zone or trading-day start: the venue's whole history is re-aggregated.
DROP TRIGGER IF EXISTS venues__requeue_days__update ON venue.venues;
CREATE TRIGGER venues__requeue_days__update
  AFTER UPDATE ON venue.venues REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_venues__requeue_days();

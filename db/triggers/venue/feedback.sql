-- Set-based reference checks of venue.feedback (see internal.tg_check_references).

DROP TRIGGER IF EXISTS feedback__check_references__insert ON venue.feedback;
CREATE TRIGGER feedback__check_references__insert
  AFTER INSERT ON venue.feedback
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_references(
    'venues:venue_id',
    'events:venue_id,event_id',
    'bookings:booking_id',
    'customers:customer_id');

DROP TRIGGER IF EXISTS feedback__check_references__update ON venue.feedback;
CREATE TRIGGER feedback__check_references__update
  AFTER UPDATE ON venue.feedback
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_references(
    'venues:venue_id',
    'events:venue_id,event_id',
    'bookings:booking_id',
    'customers:customer_id');

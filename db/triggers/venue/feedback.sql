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

-- Changed venue-days go to the aggregation queue (see internal.tg_mark_aggregation_dirty).
DROP TRIGGER IF EXISTS feedback__mark_aggregation_dirty__insert ON venue.feedback;
CREATE TRIGGER feedback__mark_aggregation_dirty__insert
  AFTER INSERT ON venue.feedback REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('submitted_at', 'event_id');
DROP TRIGGER IF EXISTS feedback__mark_aggregation_dirty__update ON venue.feedback;
CREATE TRIGGER feedback__mark_aggregation_dirty__update
  AFTER UPDATE ON venue.feedback REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('submitted_at', 'event_id');
DROP TRIGGER IF EXISTS feedback__mark_aggregation_dirty__delete ON venue.feedback;
CREATE TRIGGER feedback__mark_aggregation_dirty__delete
  AFTER DELETE ON venue.feedback REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('submitted_at', 'event_id');

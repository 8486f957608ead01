-- Set-based reference checks of venue.events (see internal.tg_check_references).

DROP TRIGGER IF EXISTS events__check_referencing_rows__delete ON venue.events;
CREATE TRIGGER events__check_referencing_rows__delete
  AFTER DELETE ON venue.events
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:venue_id,event_id',
    'payments:venue_id,event_id',
    'check_ins:venue_id,event_id',
    'feedback:venue_id,event_id');

DROP TRIGGER IF EXISTS events__check_referencing_rows__update ON venue.events;
CREATE TRIGGER events__check_referencing_rows__update
  AFTER UPDATE ON venue.events
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:venue_id,event_id',
    'payments:venue_id,event_id',
    'check_ins:venue_id,event_id',
    'feedback:venue_id,event_id');

-- A night added, moved, cancelled or removed changes its venue-day (event analytics, data quality).
DROP TRIGGER IF EXISTS events__mark_aggregation_dirty__insert ON venue.events;
CREATE TRIGGER events__mark_aggregation_dirty__insert
  AFTER INSERT ON venue.events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('starts_at');
DROP TRIGGER IF EXISTS events__mark_aggregation_dirty__update ON venue.events;
CREATE TRIGGER events__mark_aggregation_dirty__update
  AFTER UPDATE ON venue.events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('starts_at');
DROP TRIGGER IF EXISTS events__mark_aggregation_dirty__delete ON venue.events;
CREATE TRIGGER events__mark_aggregation_dirty__delete
  AFTER DELETE ON venue.events REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('starts_at');

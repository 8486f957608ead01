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

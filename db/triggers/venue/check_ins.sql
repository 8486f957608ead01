-- Set-based reference checks of venue.check_ins (see internal.tg_check_references).

DROP TRIGGER IF EXISTS check_ins__check_references__insert ON venue.check_ins;
CREATE TRIGGER check_ins__check_references__insert
  AFTER INSERT ON venue.check_ins
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_references(
    'venues:venue_id',
    'events:venue_id,event_id',
    'bookings:booking_id',
    'customers:customer_id');

DROP TRIGGER IF EXISTS check_ins__check_references__update ON venue.check_ins;
CREATE TRIGGER check_ins__check_references__update
  AFTER UPDATE ON venue.check_ins
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_references(
    'venues:venue_id',
    'events:venue_id,event_id',
    'bookings:booking_id',
    'customers:customer_id');

-- Changed venue-days go to the aggregation queue (see internal.tg_mark_aggregation_dirty).
DROP TRIGGER IF EXISTS check_ins__mark_aggregation_dirty__insert ON venue.check_ins;
CREATE TRIGGER check_ins__mark_aggregation_dirty__insert
  AFTER INSERT ON venue.check_ins REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('occurred_at', 'event_id');
DROP TRIGGER IF EXISTS check_ins__mark_aggregation_dirty__update ON venue.check_ins;
CREATE TRIGGER check_ins__mark_aggregation_dirty__update
  AFTER UPDATE ON venue.check_ins REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('occurred_at', 'event_id');
DROP TRIGGER IF EXISTS check_ins__mark_aggregation_dirty__delete ON venue.check_ins;
CREATE TRIGGER check_ins__mark_aggregation_dirty__delete
  AFTER DELETE ON venue.check_ins REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_mark_aggregation_dirty('occurred_at', 'event_id');

-- Live dashboards of the touched venues are woken once per transaction (see internal.tg_notify_live).
DROP TRIGGER IF EXISTS check_ins__notify_live__insert ON venue.check_ins;
CREATE TRIGGER check_ins__notify_live__insert
  AFTER INSERT ON venue.check_ins REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_notify_live();
DROP TRIGGER IF EXISTS check_ins__notify_live__update ON venue.check_ins;
CREATE TRIGGER check_ins__notify_live__update
  AFTER UPDATE ON venue.check_ins REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_notify_live();
DROP TRIGGER IF EXISTS check_ins__notify_live__delete ON venue.check_ins;
CREATE TRIGGER check_ins__notify_live__delete
  AFTER DELETE ON venue.check_ins REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_notify_live();

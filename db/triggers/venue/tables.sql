-- Set-based reference checks of venue.tables (see internal.tg_check_references).

DROP TRIGGER IF EXISTS tables__check_referencing_rows__delete ON venue.tables;
CREATE TRIGGER tables__check_referencing_rows__delete
  AFTER DELETE ON venue.tables
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:table_id');

DROP TRIGGER IF EXISTS tables__check_referencing_rows__update ON venue.tables;
CREATE TRIGGER tables__check_referencing_rows__update
  AFTER UPDATE ON venue.tables
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:table_id');

-- Set-based reference checks of venue.staff (see internal.tg_check_references).

DROP TRIGGER IF EXISTS staff__check_referencing_rows__delete ON venue.staff;
CREATE TRIGGER staff__check_referencing_rows__delete
  AFTER DELETE ON venue.staff
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:staff_id',
    'payments:staff_id');

DROP TRIGGER IF EXISTS staff__check_referencing_rows__update ON venue.staff;
CREATE TRIGGER staff__check_referencing_rows__update
  AFTER UPDATE ON venue.staff
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_check_referencing_rows(
    'bookings:staff_id',
    'payments:staff_id');

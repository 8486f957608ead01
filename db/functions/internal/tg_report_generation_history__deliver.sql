-- internal.tg_report_generation_history__deliver(): a completed report's deliveries, in the same transaction.
CREATE OR REPLACE FUNCTION internal.tg_report_generation_history__deliver()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * AFTER UPDATE OF status on reporting.report_generation_history, per row,
   * when a report becomes completed: writes its delivery rows
   * (internal.create_deliveries) and wakes the senders on
   * nightcap_deliveries (once per transaction).
   */
  IF internal.create_deliveries(NEW.organization_id, NEW.generation_id) > 0 THEN
    PERFORM pg_notify('nightcap_deliveries', 'queued');
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_generation_history__deliver() IS
  'Writes a completed report''s delivery rows and NOTIFYs nightcap_deliveries.';
REVOKE ALL ON FUNCTION internal.tg_report_generation_history__deliver() FROM PUBLIC;

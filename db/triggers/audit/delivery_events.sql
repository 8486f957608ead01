-- The compliance log is append-only (internal.tg_audit__append_only).
DROP TRIGGER IF EXISTS delivery_events__append_only ON audit.delivery_events;
CREATE TRIGGER delivery_events__append_only
  BEFORE UPDATE OR DELETE ON audit.delivery_events
  FOR EACH ROW EXECUTE FUNCTION internal.tg_audit__append_only();

DROP TRIGGER IF EXISTS delivery_events__append_only__truncate ON audit.delivery_events;
CREATE TRIGGER delivery_events__append_only__truncate
  BEFORE TRUNCATE ON audit.delivery_events
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_audit__append_only();

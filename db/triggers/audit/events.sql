-- The audit log is append-only (internal.tg_audit__append_only), for every role.
DROP TRIGGER IF EXISTS events__append_only ON audit.events;
CREATE TRIGGER events__append_only
  BEFORE UPDATE OR DELETE ON audit.events
  FOR EACH ROW EXECUTE FUNCTION internal.tg_audit__append_only();

DROP TRIGGER IF EXISTS events__append_only__truncate ON audit.events;
CREATE TRIGGER events__append_only__truncate
  BEFORE TRUNCATE ON audit.events
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_audit__append_only();

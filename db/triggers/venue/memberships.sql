-- The audit log (internal.tg_audit_change): membership.granted, .changed (a new role), .revoked.
DROP TRIGGER IF EXISTS memberships__audit ON venue.memberships;
CREATE TRIGGER memberships__audit
  AFTER INSERT OR UPDATE OR DELETE ON venue.memberships
  FOR EACH ROW EXECUTE FUNCTION internal.tg_audit_change('membership', 'user_id', 'granted', 'changed', 'revoked');

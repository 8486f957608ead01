-- New organizations get the standard KPI definitions.
DROP TRIGGER IF EXISTS organizations__seed_kpis__insert ON venue.organizations;
CREATE TRIGGER organizations__seed_kpis__insert
  AFTER INSERT ON venue.organizations REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_organizations__seed_kpis();

-- New organizations get the system report templates.
DROP TRIGGER IF EXISTS organizations__seed_report_templates__insert ON venue.organizations;
CREATE TRIGGER organizations__seed_report_templates__insert
  AFTER INSERT ON venue.organizations REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.tg_organizations__seed_report_templates();

-- The audit log (internal.tg_audit_change): organization.created, and .updated for each
-- change of its settings (name, currency, retention, recipient rules).
DROP TRIGGER IF EXISTS organizations__audit ON venue.organizations;
CREATE TRIGGER organizations__audit
  AFTER INSERT OR UPDATE OR DELETE ON venue.organizations
  FOR EACH ROW EXECUTE FUNCTION internal.tg_audit_change('organization', 'organization_id');

-- Sections change only in drafts and must name a dataset that feeds them (internal.tg_report_sections__check).
DROP TRIGGER IF EXISTS report_sections__check ON reporting.report_sections;
CREATE TRIGGER report_sections__check
  BEFORE INSERT OR UPDATE OR DELETE ON reporting.report_sections
  FOR EACH ROW EXECUTE FUNCTION internal.tg_report_sections__check();

-- The audit log (internal.tg_audit_change): report_section.created, .updated, .deleted.
DROP TRIGGER IF EXISTS report_sections__audit ON reporting.report_sections;
CREATE TRIGGER report_sections__audit
  AFTER INSERT OR UPDATE OR DELETE ON reporting.report_sections
  FOR EACH ROW EXECUTE FUNCTION internal.tg_audit_change('report_section', 'template_id,section_key');

-- No job may end up waiting for itself (see internal.tg_job_dependencies__no_cycle).
DROP TRIGGER IF EXISTS job_dependencies__no_cycle ON reporting.job_dependencies;
CREATE TRIGGER job_dependencies__no_cycle
  BEFORE INSERT OR UPDATE OF child_job_id, parent_job_id ON reporting.job_dependencies
  FOR EACH ROW EXECUTE FUNCTION internal.tg_job_dependencies__no_cycle();

-- The audit log (internal.tg_audit_change): job_dependency.created, .updated, .deleted,
-- in the organization of the jobs.
DROP TRIGGER IF EXISTS job_dependencies__audit ON reporting.job_dependencies;
CREATE TRIGGER job_dependencies__audit
  AFTER INSERT OR UPDATE OR DELETE ON reporting.job_dependencies
  FOR EACH ROW EXECUTE FUNCTION internal.tg_audit_change('job_dependency', 'child_job_id,parent_job_id');

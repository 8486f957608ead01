-- reporting.job_dependencies: an edge between two jobs belongs to the child
-- job's organization. Whoever sees or may change both jobs sees or may change
-- the edge; the scheduled_jobs policies decide which jobs that is.
ALTER TABLE reporting.job_dependencies ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS owner_all ON reporting.job_dependencies;
DROP POLICY IF EXISTS members_read ON reporting.job_dependencies;
DROP POLICY IF EXISTS members_write ON reporting.job_dependencies;

CREATE POLICY owner_all ON reporting.job_dependencies TO nightcap_owner USING (true) WITH CHECK (true);
CREATE POLICY members_read ON reporting.job_dependencies FOR SELECT
  USING (EXISTS (SELECT 1 FROM reporting.scheduled_jobs j WHERE j.job_id = child_job_id));
CREATE POLICY members_write ON reporting.job_dependencies FOR ALL
  USING (EXISTS (SELECT 1 FROM reporting.scheduled_jobs j
                  WHERE j.job_id = child_job_id
                    AND j.organization_id = ANY ((SELECT internal.member_organizations('{admin}'))::uuid[])))
  WITH CHECK (EXISTS (SELECT 1 FROM reporting.scheduled_jobs j
                       WHERE j.job_id = child_job_id
                         AND j.organization_id = ANY ((SELECT internal.member_organizations('{admin}'))::uuid[]))
              AND EXISTS (SELECT 1 FROM reporting.scheduled_jobs j
                           WHERE j.job_id = parent_job_id
                             AND j.organization_id = ANY ((SELECT internal.member_organizations('{admin}'))::uuid[])));

REVOKE ALL ON reporting.job_dependencies
  FROM PUBLIC, nightcap_admin, nightcap_manager, nightcap_staff, nightcap_auditor, nightcap_renderer;
GRANT SELECT ON reporting.job_dependencies TO nightcap_manager, nightcap_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.job_dependencies TO nightcap_admin;

-- api.storage_by_organization: bytes of report files and snapshots kept per organization.
DROP VIEW IF EXISTS api.storage_by_organization;
CREATE VIEW api.storage_by_organization WITH (security_invoker = true) AS
SELECT g.organization_id,
       count(*) AS reports,
       coalesce(sum(f.files), 0) AS files,
       coalesce(sum(f.bytes), 0) AS file_bytes,
       coalesce(sum(g.snapshot_bytes), 0) AS snapshot_bytes,
       coalesce(sum(f.bytes), 0) + coalesce(sum(g.snapshot_bytes), 0) AS total_bytes
  FROM reporting.report_generation_history g
  CROSS JOIN LATERAL (SELECT count(*) AS files, sum((x ->> 'bytes')::bigint) AS bytes
                        FROM jsonb_array_elements(g.files) AS x) f
 GROUP BY g.organization_id;

COMMENT ON VIEW api.storage_by_organization IS
  'Storage used per organization by the reports kept (reporting.report_generation_history, until the retention policy removes them): rendered files (the bytes each entry of files records) and JSON snapshots (snapshot_bytes), and their sum, in bytes.';
COMMENT ON COLUMN api.storage_by_organization.reports IS 'Report rows kept, whatever their status.';
COMMENT ON COLUMN api.storage_by_organization.files IS 'Rendered files recorded (one per format of each rendered report).';
REVOKE ALL ON api.storage_by_organization FROM PUBLIC;
GRANT SELECT ON api.storage_by_organization TO nightcap_admin, nightcap_manager, nightcap_auditor;

-- 0020: GDPR. Retention (venue.organizations.retention_days, 0019) removes
-- report snapshots, delivery-level personal data and stored files once they
-- are older than the organization keeps them; erasure (api.erase_customer)
-- withdraws the files of reports that named an erased customer. Both keep
-- the rows, so history stays: what changes is recorded on them here.
--
-- Files live outside the database (the renderer's storage), so SQL only marks
-- a report's files expired; a renderer daemon claims them
-- (api.claim_expired_files), deletes them and says so (api.files_deleted).

ALTER TABLE reporting.report_generation_history
  ADD COLUMN files_expired_at       timestamptz,
  ADD COLUMN files_expiry_reason    text,
  ADD COLUMN files_deleted_at       timestamptz,
  ADD COLUMN files_worker           text,
  ADD COLUMN files_lease_expires_at timestamptz,
  ADD COLUMN redacted_at            timestamptz,
  ADD CONSTRAINT report_generation_history_files_expiry_reason_known CHECK (
    (files_expired_at IS NULL) = (files_expiry_reason IS NULL)
    AND (files_expiry_reason IS NULL OR files_expiry_reason IN ('retention', 'erasure'))),
  ADD CONSTRAINT report_generation_history_files_deleted_after_expiry CHECK (
    files_deleted_at IS NULL OR files_expired_at IS NOT NULL);

-- A completed report keeps its row after retention removed its snapshot.
ALTER TABLE reporting.report_generation_history
  DROP CONSTRAINT report_generation_history_snapshot_when_ready,
  ADD CONSTRAINT report_generation_history_snapshot_when_ready CHECK (
    status NOT IN ('data_ready', 'rendering', 'completed') OR snapshot IS NOT NULL
    OR (status = 'completed' AND expires_at IS NOT NULL));
COMMENT ON CONSTRAINT report_generation_history_snapshot_when_ready ON reporting.report_generation_history IS
  'A report to render, or rendered, has its snapshot, until retention removes it from a completed report (expires_at).';

COMMENT ON COLUMN reporting.report_generation_history.expires_at IS
  'When retention expired the report (venue.organizations.retention_days after requested_at): its snapshot removed, its files marked for deletion. The row, its summary figures and its history stay. NULL while kept.';
COMMENT ON COLUMN reporting.report_generation_history.files_expired_at IS
  'When the report''s stored files were marked for deletion (files_expiry_reason): a renderer daemon deletes them (api.claim_expired_files) and their download links answer 410 Gone.';
COMMENT ON COLUMN reporting.report_generation_history.files_expiry_reason IS
  'Why the files go: retention (older than the organization keeps reports) or erasure (they named a customer who was erased, api.erase_customer).';
COMMENT ON COLUMN reporting.report_generation_history.files_deleted_at IS
  'When a renderer daemon reported the files deleted from storage (api.files_deleted).';
COMMENT ON COLUMN reporting.report_generation_history.files_worker IS
  'The daemon deleting the expired files, under a lease until files_lease_expires_at.';
COMMENT ON COLUMN reporting.report_generation_history.redacted_at IS
  'When the snapshot last had the rows of an erased customer replaced (api.erase_customer).';

-- The daemons' queue of files to delete, and the retention scan.
CREATE INDEX report_generation_history_expired_files_idx
  ON reporting.report_generation_history (files_expired_at)
  WHERE files_expired_at IS NOT NULL AND files_deleted_at IS NULL;
CREATE INDEX report_generation_history_retention_idx
  ON reporting.report_generation_history (organization_id, requested_at)
  WHERE expires_at IS NULL;

ALTER TABLE reporting.report_delivery_history
  ADD COLUMN redacted_at timestamptz;
COMMENT ON COLUMN reporting.report_delivery_history.redacted_at IS
  'When retention removed the delivery''s personal data (destination, last_error): status, times and provider ids stay.';
CREATE INDEX report_delivery_history_retention_idx
  ON reporting.report_delivery_history (organization_id, queued_at)
  WHERE redacted_at IS NULL;

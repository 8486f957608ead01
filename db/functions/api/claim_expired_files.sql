-- api.claim_expired_files(worker, limit, lease): stored files a renderer daemon is to delete.
CREATE OR REPLACE FUNCTION api.claim_expired_files(
  p_worker text,
  p_limit  integer DEFAULT 50,
  p_lease  interval DEFAULT '5 minutes'
)
RETURNS TABLE (
  generation_id   bigint,
  organization_id uuid,
  reason          text,
  files           jsonb
)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
  /*
   * SECURITY DEFINER, on purpose: the daemon (nightcap_renderer) deletes
   * the expired files of every organization, yet holds no membership and no
   * table privilege, and row-level security is forced on the report
   * history. It gets back only what deleting needs: the report, why its
   * files go, and their storage keys and formats; never a snapshot.
   *
   * Reports whose files were marked expired (retention, internal.apply_retention,
   * or erasure, api.erase_customer) and not yet deleted, oldest first, up to
   * p_limit, under a lease of p_lease for p_worker (FOR UPDATE SKIP LOCKED,
   * so two daemons take different reports; a daemon that dies leaves them
   * to the next claim once its lease ends). Deleting is idempotent, so a
   * report taken back is simply deleted again. Report each with
   * api.files_deleted.
   */
  PERFORM internal.check_claim_arguments('claim_expired_files', p_worker, p_limit, p_lease);
  RETURN QUERY
  WITH picked AS (
    SELECT h.organization_id, h.generation_id
      FROM reporting.report_generation_history h
     WHERE h.files_expired_at IS NOT NULL AND h.files_deleted_at IS NULL
       AND (h.files_lease_expires_at IS NULL OR h.files_lease_expires_at <= clock_timestamp())
     ORDER BY h.files_expired_at, h.generation_id
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE reporting.report_generation_history h
       SET files_worker = p_worker, files_lease_expires_at = clock_timestamp() + p_lease
      FROM picked p
     WHERE h.organization_id = p.organization_id AND h.generation_id = p.generation_id
    RETURNING h.generation_id, h.organization_id, h.files_expiry_reason, h.files_expired_at,
              (SELECT coalesce(jsonb_agg(jsonb_build_object('format', f -> 'format', 'key', f -> 'key')
                                         ORDER BY o), '[]')
                 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(h.files) = 'array' THEN h.files ELSE '[]' END)
                      WITH ORDINALITY AS x (f, o)) AS files
  )
  SELECT c.generation_id, c.organization_id, c.files_expiry_reason, c.files
    FROM claimed c
   ORDER BY c.files_expired_at, c.generation_id;
END
$fn$;

COMMENT ON FUNCTION api.claim_expired_files(text, integer, interval) IS
  'Claims up to p_limit reports whose stored files expired (retention or erasure) for renderer p_worker to delete, under a lease; returns each report''s reason and file keys. Confirm with api.files_deleted.';
REVOKE ALL ON FUNCTION api.claim_expired_files(text, integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.claim_expired_files(text, integer, interval) TO nightcap_renderer;

-- api.files_deleted(generation, worker): a daemon deleted a report's expired files.
CREATE OR REPLACE FUNCTION api.files_deleted(
  p_generation_id bigint,
  p_worker        text
)
RETURNS timestamptz
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_report reporting.report_generation_history;
BEGIN
  /*
   * SECURITY DEFINER, on purpose: the daemon (nightcap_renderer) records
   * the deletion on a report of any organization, without a membership or
   * table privileges, past forced row-level security. It can change nothing
   * but the files' deletion time, and only of a report whose files expired.
   *
   * Records that p_worker deleted the expired files of the report it
   * claimed with api.claim_expired_files (files_deleted_at), and ends its
   * lease (files already gone from storage count as deleted: the daemon
   * logs them). Returns the time recorded; a second call for the same report returns the first time.
   * 22004 without a report or worker; P0002 for an unknown report; 55000
   * when its files have not expired, or another daemon holds them now.
   */
  IF p_generation_id IS NULL OR p_worker IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'files_deleted: p_generation_id and p_worker are required';
  END IF;
  SELECT * INTO v_report
    FROM reporting.report_generation_history h
   WHERE h.generation_id = p_generation_id
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('files_deleted: there is no report %s', p_generation_id);
  END IF;
  IF v_report.files_deleted_at IS NOT NULL THEN
    RETURN v_report.files_deleted_at;
  END IF;
  IF v_report.files_expired_at IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
      MESSAGE = format('files_deleted: the files of report %s have not expired', p_generation_id),
      HINT = 'Only files claimed with api.claim_expired_files are deleted.';
  END IF;
  IF v_report.files_worker IS DISTINCT FROM p_worker
     AND v_report.files_lease_expires_at > clock_timestamp() THEN
    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
      MESSAGE = format('files_deleted: the files of report %s are held by %s, not %s',
                       p_generation_id, v_report.files_worker, p_worker);
  END IF;
  UPDATE reporting.report_generation_history h
     SET files_deleted_at = clock_timestamp(), files_worker = p_worker, files_lease_expires_at = NULL
   WHERE h.organization_id = v_report.organization_id AND h.generation_id = p_generation_id
  RETURNING h.files_deleted_at INTO v_report.files_deleted_at;
  RETURN v_report.files_deleted_at;
END
$fn$;

COMMENT ON FUNCTION api.files_deleted(bigint, text) IS
  'Records that renderer p_worker deleted the expired files of a report it claimed (api.claim_expired_files); idempotent. 22004, P0002 unknown report, 55000 files not expired or held by another daemon.';
REVOKE ALL ON FUNCTION api.files_deleted(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.files_deleted(bigint, text) TO nightcap_renderer;

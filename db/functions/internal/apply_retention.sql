-- internal.apply_retention(organization, now): remove what each organization keeps no longer, and log it.
CREATE OR REPLACE FUNCTION internal.apply_retention(
  p_organization_id uuid DEFAULT NULL,
  p_now             timestamptz DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_now        timestamptz := coalesce(p_now, clock_timestamp());
  v_org        record;
  v_reports    bigint;
  v_snapshots  bigint;
  v_files      bigint;
  v_deliveries bigint;
  v_counts     jsonb;
  v_removed    jsonb := '[]';
  v_totals     jsonb := '{"reports_expired": 0, "snapshots_removed": 0, "files_expired": 0, "deliveries_redacted": 0}';
BEGIN
  /*
   * The retention policy (seed 001: 90 days by default), per organization
   * (all, or p_organization_id) by its venue.organizations.retention_days,
   * counted back from p_now (default: now):
   *   reports     requested before the cutoff and finished (completed,
   *               failed, skipped) lose their snapshot; their stored files
   *               are marked expired (files_expired_at, reason retention)
   *               for a renderer daemon to delete (api.claim_expired_files).
   *               The row stays with its summary figures, times and status
   *               (expires_at says when it expired), so history stays.
   *   deliveries  queued before the cutoff and finished lose their personal
   *               data: destination (an address or URL) and last_error
   *               (providers quote the address); status, times and provider
   *               ids stay (redacted_at).
   * Never touched: a report still to render, or with a delivery still to
   * send (queued, sending, deferred): it is not delivered yet, and is
   * expired by the first run after its last delivery ends.
   *
   * Each organization's run is logged with internal.audit_event
   * (retention.completed, with its counts, zeros included: the log shows
   * the policy ran). Returns the totals and, per organization that lost
   * anything, its counts.
   */
  FOR v_org IN
    SELECT o.organization_id, o.retention_days, v_now - make_interval(days => o.retention_days) AS cutoff
      FROM venue.organizations o
     WHERE p_organization_id IS NULL OR o.organization_id = p_organization_id
     ORDER BY o.organization_id
  LOOP
    WITH candidates AS (
      SELECT h.organization_id, h.generation_id, h.snapshot IS NOT NULL AS had_snapshot,
             CASE WHEN h.files_expired_at IS NULL AND jsonb_typeof(h.files) = 'array'
                  THEN jsonb_array_length(h.files) ELSE 0 END AS new_files
        FROM reporting.report_generation_history h
       WHERE h.organization_id = v_org.organization_id AND h.expires_at IS NULL
         AND h.requested_at < v_org.cutoff
         AND h.status IN ('completed', 'failed', 'skipped')
         AND NOT EXISTS (
               SELECT FROM reporting.report_delivery_history d
                WHERE d.organization_id = h.organization_id AND d.generation_id = h.generation_id
                  AND d.status IN ('queued', 'sending', 'deferred'))
         FOR UPDATE OF h
    ), expired AS (
      UPDATE reporting.report_generation_history h
         SET expires_at = v_now, snapshot = NULL,
             files_expired_at = CASE WHEN c.new_files > 0 THEN v_now ELSE h.files_expired_at END,
             files_expiry_reason = CASE WHEN c.new_files > 0 THEN 'retention' ELSE h.files_expiry_reason END
        FROM candidates c
       WHERE h.organization_id = c.organization_id AND h.generation_id = c.generation_id
      RETURNING c.had_snapshot, c.new_files
    )
    SELECT count(*), count(*) FILTER (WHERE e.had_snapshot), coalesce(sum(e.new_files), 0)
      INTO v_reports, v_snapshots, v_files
      FROM expired e;

    UPDATE reporting.report_delivery_history d
       SET destination = NULL,
           last_error = CASE WHEN d.last_error IS NOT NULL THEN 'removed by the retention policy' END,
           redacted_at = v_now
     WHERE d.organization_id = v_org.organization_id AND d.redacted_at IS NULL
       AND d.queued_at < v_org.cutoff
       AND d.status NOT IN ('queued', 'sending', 'deferred');
    GET DIAGNOSTICS v_deliveries = ROW_COUNT;

    v_counts := jsonb_build_object(
      'reports_expired', v_reports, 'snapshots_removed', v_snapshots, 'files_expired', v_files,
      'deliveries_redacted', v_deliveries);
    PERFORM internal.audit_event(
      v_org.organization_id, 'retention.completed', 'organization', v_org.organization_id::text, NULL, NULL,
      v_counts || jsonb_build_object('retention_days', v_org.retention_days, 'cutoff', v_org.cutoff));
    IF v_reports + v_deliveries > 0 THEN
      v_removed := v_removed || jsonb_build_array(
        jsonb_build_object('organization_id', v_org.organization_id) || v_counts);
    END IF;
    SELECT jsonb_object_agg(t.key, t.value::bigint + (v_counts ->> t.key)::bigint)
      INTO v_totals
      FROM jsonb_each_text(v_totals) t;
  END LOOP;
  RETURN v_totals || jsonb_build_object('organizations', v_removed);
END
$fn$;

COMMENT ON FUNCTION internal.apply_retention(uuid, timestamptz) IS
  'The retention policy: per organization, reports finished and older than retention_days lose their snapshot and their files are marked for deletion, older finished deliveries lose destination and last_error; in-flight reports and deliveries are kept. Logs retention.completed per organization; returns the counts.';
REVOKE ALL ON FUNCTION internal.apply_retention(uuid, timestamptz) FROM PUBLIC;

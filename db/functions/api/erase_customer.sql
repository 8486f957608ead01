-- api.erase_customer(organization, customer): the right to erasure (GDPR article 17) for one customer.
CREATE OR REPLACE FUNCTION api.erase_customer(
  p_organization_id uuid,
  p_customer_id     bigint
)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- No lock is waited for longer (see the erasure lock below); the caller's own
-- setting is back when the function returns.
SET lock_timeout = '5s'
AS $fn$
DECLARE
  v_customer   venue.customers;
  v_key        text;
  v_now        timestamptz := clock_timestamp();
  v_first      boolean;
  v_analytics  bigint;
  v_feedback   bigint;
  v_notes      bigint;
  v_reports    bigint;
  v_handed     bigint;
  v_files      bigint;
  v_withdrawn  bigint;
  v_result     jsonb;
BEGIN
  PERFORM internal.require_member(p_organization_id, '{admin}');
  /*
   * SECURITY DEFINER, on purpose: an organization's admin must be able to
   * erase a customer everywhere they appear, including report history,
   * audit-adjacent tables and the customer analytics, which admins may not
   * change directly (row-level security, no UPDATE grants on history). The
   * first line checks the caller is an admin of the organization (42501),
   * and everything below touches that organization's rows only.
   *
   * What erasure does, in one transaction:
   *   venue.customers        name, email, phone, date of birth -> NULL (the
   *                          table's customers_erased_has_no_identifiers
   *                          check), marketing consent withdrawn, erased_at.
   *                          The row and its id stay, without identity.
   *   bookings, payments     kept unchanged: they are financial facts
   *                          (revenue, refunds, tax) and now point at a
   *                          customer nobody can be named from. Only the
   *                          free text a person may be described in goes:
   *                          booking notes and feedback comments.
   *   customer analytics     the row under the customer's pseudonymous key
   *                          is deleted; api.process_customer_analytics and
   *                          reporting.top_customers_view leave erased
   *                          customers out from now on (the view is
   *                          refreshed here).
   *   daily_customer_visits  kept: ids only, the basis of the day's new and
   *                          returning customer counts, rebuilt from the
   *                          bookings at every re-aggregation anyway.
   *   report snapshots       every row naming the customer (found by the
   *                          hidden _customer_key, internal.redact_snapshot)
   *                          becomes "Erased customer" (redacted_at). A
   *                          report being rendered from the old snapshot is
   *                          handed back to the queue, so it is rendered
   *                          again from the redacted one (the daemon that
   *                          held it loses its lease and cannot complete;
   *                          its files go under the same keys, which the
   *                          second render overwrites).
   *   stored files           of completed reports that named the customer
   *                          are deleted, not re-rendered: marked expired
   *                          (reason erasure) for a renderer daemon to
   *                          delete, after which their links answer 410.
   *                          Why not re-render: what was sent cannot be
   *                          recalled, and a stored file that silently
   *                          differs from the one delivered would make the
   *                          history (sha256, pages) lie about what was
   *                          sent; and a report that completes again passes
   *                          through the completion that creates deliveries,
   *                          which must never send a report twice. The
   *                          redacted snapshot stays: a fresh report for the
   *                          period is one api.generate_report away.
   *                          Deliveries of those reports not yet sent
   *                          (queued, deferred) are skipped with the reason:
   *                          their file is going.
   * Recorded as customer.erased in the audit log, with the customer id and
   * the counts only, never what was erased.
   *
   * 22004 for a NULL argument, P0002 for a customer the organization does
   * not have, 42501 unless the caller is its admin (or the system). A
   * customer already erased is not an error (idempotent): the sweep runs
   * again, so anything that still named them (a report that was being
   * rendered) is caught, and customer.erased is recorded again only when
   * that removed something.
   */
  IF p_organization_id IS NULL OR p_customer_id IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'erase_customer: p_organization_id and p_customer_id are required',
      HINT = 'Pass the organization and the venue.customers customer_id to erase.';
  END IF;
  -- Alone among the organization's report generations (internal.generate_report
  -- holds this lock shared): those under way are stored before the redaction
  -- below looks for them, and those to come read the anonymised customer.
  -- Waits at most 5 s (a report job inside a long api.work transaction holds
  -- its share to the end): then 55P03 and nothing changed; call it again.
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('nightcap.erasure:' || p_organization_id::text));
  EXCEPTION WHEN lock_not_available THEN
    RAISE EXCEPTION USING ERRCODE = 'lock_not_available',
      MESSAGE = format('erase_customer: reports of organization %s are being made; nothing was erased', p_organization_id),
      HINT = 'Call it again in a minute: the erasure waits for reports under way, to redact them too.';
  END;
  SELECT * INTO v_customer
    FROM venue.customers c
   WHERE c.organization_id = p_organization_id AND c.customer_id = p_customer_id
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('erase_customer: organization %s has no customer %s', p_organization_id, p_customer_id);
  END IF;
  v_first := v_customer.erased_at IS NULL;
  v_key := internal.customer_key(p_organization_id, p_customer_id);

  IF v_first THEN
    UPDATE venue.customers c
       SET first_name = NULL, last_name = NULL, email = NULL, phone = NULL, date_of_birth = NULL,
           marketing_consent = false,
           marketing_consent_withdrawn_at = CASE
             WHEN c.marketing_consent_given_at IS NULL THEN NULL
             ELSE coalesce(c.marketing_consent_withdrawn_at, greatest(v_now, c.marketing_consent_given_at)) END,
           erased_at = v_now
     WHERE c.organization_id = p_organization_id AND c.customer_id = p_customer_id;
  END IF;

  UPDATE venue.feedback f SET comment = NULL
   WHERE f.organization_id = p_organization_id AND f.customer_id = p_customer_id AND f.comment IS NOT NULL;
  GET DIAGNOSTICS v_feedback = ROW_COUNT;
  UPDATE venue.bookings b SET notes = NULL
   WHERE b.organization_id = p_organization_id AND b.customer_id = p_customer_id AND b.notes IS NOT NULL;
  GET DIAGNOSTICS v_notes = ROW_COUNT;

  DELETE FROM reporting.customer_analytics a
   WHERE a.organization_id = p_organization_id AND a.customer_key = v_key;
  GET DIAGNOSTICS v_analytics = ROW_COUNT;
  IF v_first THEN
    PERFORM api.refresh_summary_views(ARRAY['top_customers_view']);
  END IF;

  -- The reports whose snapshot names the customer: redacted; one being
  -- rendered from the old snapshot goes back to the queue (as
  -- api.release_report does) to be rendered from the redacted one; the
  -- files of a rendered one expire, and its unsent deliveries are withdrawn.
  WITH named AS (
    SELECT h.organization_id, h.generation_id, h.status, h.render_attempts,
           (jsonb_typeof(h.files) = 'array' AND jsonb_array_length(h.files) > 0
            AND h.files_expired_at IS NULL) AS expire_files
      FROM reporting.report_generation_history h
     WHERE h.organization_id = p_organization_id AND h.snapshot IS NOT NULL
       AND jsonb_path_exists(h.snapshot, '$.sections[*].data.rows[*] ? (@._customer_key == $k)',
                             jsonb_build_object('k', v_key))
       FOR UPDATE OF h
  ), changed AS (
    UPDATE reporting.report_generation_history h
       SET snapshot = internal.redact_snapshot(h.snapshot, v_key), redacted_at = v_now,
           status = CASE WHEN n.status = 'rendering' THEN 'data_ready' ELSE h.status END,
           render_worker = CASE WHEN n.status = 'rendering' THEN NULL ELSE h.render_worker END,
           lease_expires_at = CASE WHEN n.status = 'rendering' THEN NULL ELSE h.lease_expires_at END,
           heartbeat_at = CASE WHEN n.status = 'rendering' THEN NULL ELSE h.heartbeat_at END,
           max_render_attempts = h.max_render_attempts + CASE WHEN n.status = 'rendering' THEN 1 ELSE 0 END,
           files_expired_at = CASE WHEN n.expire_files THEN v_now ELSE h.files_expired_at END,
           files_expiry_reason = CASE WHEN n.expire_files THEN 'erasure' ELSE h.files_expiry_reason END
      FROM named n
     WHERE h.organization_id = n.organization_id AND h.generation_id = n.generation_id
    RETURNING n.generation_id, n.status, n.render_attempts, n.expire_files
  ), released AS (
    UPDATE reporting.report_render_attempts a
       SET status = 'released', finished_at = v_now
      FROM changed c
     WHERE c.status = 'rendering' AND a.organization_id = p_organization_id
       AND a.generation_id = c.generation_id AND a.attempt = c.render_attempts AND a.status = 'running'
    RETURNING 1
  ), withdrawn AS (
    UPDATE reporting.report_delivery_history d
       SET status = 'skipped', skipped_at = v_now, next_attempt_at = NULL,
           skip_reason = 'withdrawn: the report named a customer who has since been erased'
      FROM changed c
     WHERE c.status = 'completed' AND d.organization_id = p_organization_id
       AND d.generation_id = c.generation_id AND d.status IN ('queued', 'deferred')
    RETURNING 1
  )
  SELECT count(*), count(*) FILTER (WHERE c.status = 'rendering'), count(*) FILTER (WHERE c.expire_files),
         (SELECT count(*) FROM withdrawn)
    INTO v_reports, v_handed, v_files, v_withdrawn
    FROM changed c;
  IF v_handed > 0 THEN
    PERFORM pg_notify('nightcap_reports', 'data_ready');
  END IF;

  v_result := jsonb_build_object(
    'customer_id', p_customer_id, 'erased_at', coalesce(v_customer.erased_at, v_now), 'already_erased', NOT v_first,
    'analytics_rows_removed', v_analytics, 'reports_redacted', v_reports, 'reports_rendered_again', v_handed,
    'reports_files_expired', v_files, 'deliveries_withdrawn', v_withdrawn,
    'feedback_comments_removed', v_feedback, 'booking_notes_removed', v_notes);
  IF v_first OR v_analytics + v_reports + v_feedback + v_notes > 0 THEN
    PERFORM internal.audit_event(p_organization_id, 'customer.erased', 'customer', p_customer_id::text,
                                 NULL, NULL, v_result - 'customer_id');
  END IF;
  RETURN v_result;
END
$fn$;

COMMENT ON FUNCTION api.erase_customer(uuid, bigint) IS
  'Right to erasure: anonymises a customer (identifiers NULL, consent withdrawn, erased_at), keeps bookings and payments, removes their analytics row, redacts every report snapshot naming them and has the files of those reports deleted (links answer 410). Audited as customer.erased. 22004, P0002 unknown customer, 42501 not an admin; idempotent for an erased customer.';
REVOKE ALL ON FUNCTION api.erase_customer(uuid, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.erase_customer(uuid, bigint) TO nightcap_admin;

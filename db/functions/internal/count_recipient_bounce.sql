-- internal.count_recipient_bounce(organization, recipient, reason): a hard bounce or complaint; suppress past the threshold.
CREATE OR REPLACE FUNCTION internal.count_recipient_bounce(p_organization_id uuid, p_recipient_id bigint, p_reason text)
RETURNS boolean
LANGUAGE sql
AS $fn$
  /*
   * Adds one to the recipient's bounce_count; at the organization's
   * bounce_suppression_threshold (default 3) the recipient is suppressed
   * with the reason, and gets no more deliveries until a person lifts it.
   * Returns whether the recipient is now suppressed.
   */
  UPDATE reporting.report_recipients r
     SET bounce_count = r.bounce_count + 1,
         suppressed_at = CASE WHEN r.suppressed_at IS NULL AND r.bounce_count + 1 >= o.bounce_suppression_threshold
                              THEN clock_timestamp() ELSE r.suppressed_at END,
         suppression_reason = CASE WHEN r.suppressed_at IS NULL AND r.bounce_count + 1 >= o.bounce_suppression_threshold
                                   THEN format('%s (%s)', p_reason,
                                               CASE WHEN r.bounce_count = 0 THEN '1 bounce or complaint'
                                                    ELSE (r.bounce_count + 1) || ' bounces or complaints' END)
                                   ELSE r.suppression_reason END
    FROM venue.organizations o
   WHERE r.organization_id = p_organization_id AND r.recipient_id = p_recipient_id
     AND o.organization_id = r.organization_id
  RETURNING r.suppressed_at IS NOT NULL
$fn$;

COMMENT ON FUNCTION internal.count_recipient_bounce(uuid, bigint, text) IS
  'Counts a hard bounce or complaint against a report recipient and suppresses them at the organization''s threshold.';
REVOKE ALL ON FUNCTION internal.count_recipient_bounce(uuid, bigint, text) FROM PUBLIC;

-- internal.create_deliveries(organization, generation): the delivery rows of a completed report.
CREATE OR REPLACE FUNCTION internal.create_deliveries(p_organization_id uuid, p_generation_id bigint)
RETURNS integer
LANGUAGE sql
AS $fn$
  /*
   * One reporting.report_delivery_history row per subscription served by
   * the report's job and per channel of the subscription, in the
   * transaction that completes the report. Formats: the subscription's,
   * else the recipient's preferred ones, of those the report has. A
   * dashboard delivery is delivered at once (the report is there to view).
   * Recipients get none, but a skipped row with the reason, when they are
   * suppressed, have withdrawn consent, have paused the subscription, are
   * unverified where the organization requires verification (email), or ask
   * for SMS (no SMS transport): internal.recipient_route, the rule alert
   * notifications share. message_id is stable per report,
   * subscription and channel. Reports made on request (no job) have no
   * subscribers. Returns the rows written.
   */
  WITH g AS (
    SELECT h.organization_id, h.generation_id, h.formats, j.job_id, j.name AS job_name
      FROM reporting.report_generation_history h
      JOIN reporting.scheduled_jobs j ON j.job_id = h.job_id
     WHERE h.organization_id = p_organization_id AND h.generation_id = p_generation_id
  ), subscribed AS (
    SELECT s.*, g.generation_id, g.formats AS report_formats
      FROM g
      JOIN reporting.report_subscriptions s
        ON s.organization_id = g.organization_id
       AND (s.job_id = g.job_id
            OR (s.is_paused AND internal.report_job_name(s.template_key, s.cron_expression, s.timezone, s.filters)
                                = g.job_name))
  ), planned AS (
    SELECT s.organization_id, s.generation_id, s.subscription_id, s.recipient_id, c.channel, route.destination,
           ARRAY(SELECT f FROM unnest(coalesce(s.formats, r.preferred_formats)) f
                  WHERE f = ANY (s.report_formats) ORDER BY f) AS formats,
           route.skip_reason
      FROM subscribed s
      JOIN reporting.report_recipients r USING (organization_id, recipient_id)
      JOIN venue.organizations o USING (organization_id)
     CROSS JOIN LATERAL unnest(s.delivery_channels) AS c (channel)
     CROSS JOIN LATERAL internal.recipient_route(r, c.channel, o.require_verified_recipients,
                                                 CASE WHEN s.is_paused THEN s.paused_at END) route
  ), written AS (
    INSERT INTO reporting.report_delivery_history AS d
           (organization_id, generation_id, subscription_id, recipient_id, channel, destination, formats, status,
            skip_reason, next_attempt_at, message_id, delivered_at, skipped_at)
    SELECT p.organization_id, p.generation_id, p.subscription_id, p.recipient_id, p.channel, p.destination, p.formats,
           CASE WHEN p.skip_reason IS NOT NULL THEN 'skipped'
                WHEN p.channel IN ('dashboard', 'api') THEN 'delivered' ELSE 'queued' END,
           p.skip_reason,
           CASE WHEN p.skip_reason IS NULL AND p.channel NOT IN ('dashboard', 'api') THEN clock_timestamp() END,
           format('<report-%s.sub-%s.%s@nightcap>', p.generation_id, p.subscription_id, p.channel),
           CASE WHEN p.skip_reason IS NULL AND p.channel IN ('dashboard', 'api') THEN clock_timestamp() END,
           CASE WHEN p.skip_reason IS NOT NULL THEN clock_timestamp() END
      FROM planned p
        ON CONFLICT ON CONSTRAINT report_delivery_history_once DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::integer FROM written
$fn$;

COMMENT ON FUNCTION internal.create_deliveries(uuid, bigint) IS
  'Writes the delivery rows of a completed report: one per subscription of its job and channel, skipped with the reason for suppressed, unconsenting, paused or unverified recipients.';
REVOKE ALL ON FUNCTION internal.create_deliveries(uuid, bigint) FROM PUBLIC;

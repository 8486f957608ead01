-- internal.tg_kpi_alert_events__notify(): a KPI alert's raise, escalation or clear, to the organization's admins.
CREATE OR REPLACE FUNCTION internal.tg_kpi_alert_events__notify()
RETURNS trigger
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_queued integer;
BEGIN
  /*
   * AFTER INSERT on reporting.kpi_alert_events, per statement (new_rows):
   * each raise, escalation and clear is audited (alert.raised,
   * alert.escalated, alert.cleared) and notified to the organization's
   * admins (internal.create_alert_deliveries) with what a message needs: the
   * KPI's name, unit and direction, the value and the threshold crossed, the
   * venue and business date, the organization's currency. NOTIFY
   * nightcap_deliveries once when anything was queued.
   */
  WITH changed AS (
    SELECT e.*, k.name AS kpi_name, k.unit, k.direction, k.target, k.warning_threshold, k.critical_threshold,
           k.alert_after_breaches, v.name AS venue, v.timezone, o.name AS organization,
           o.slug AS organization_slug, o.currency
      FROM new_rows e
      JOIN reporting.kpi_definitions k ON k.organization_id = e.organization_id AND k.code = e.code
      JOIN venue.venues v ON v.organization_id = e.organization_id AND v.venue_id = e.venue_id
      JOIN venue.organizations o ON o.organization_id = e.organization_id
  ), audited AS (
    SELECT c.*, internal.audit_event(
             c.organization_id, 'alert.' || c.transition, 'kpi_alert_event', c.kpi_alert_event_id::text,
             NULL, jsonb_build_object('level', CASE WHEN c.transition = 'cleared' THEN 'none' ELSE c.level END),
             jsonb_build_object('venue_id', c.venue_id, 'code', c.code, 'business_date', c.business_date,
                                'value', c.value, 'threshold', c.threshold, 'breaches', c.breaches)) AS audit_id
      FROM changed c
  )
  SELECT coalesce(sum(internal.create_alert_deliveries(
           a.organization_id, NULL, a.kpi_alert_event_id,
           jsonb_build_object(
             'kind', 'kpi', 'transition', a.transition, 'level', a.level, 'event_id', a.kpi_alert_event_id,
             'code', a.code, 'kpi_name', a.kpi_name, 'unit', a.unit, 'direction', a.direction,
             'value', a.value, 'threshold', a.threshold, 'target', a.target,
             'warning_threshold', a.warning_threshold, 'critical_threshold', a.critical_threshold,
             'breaches', a.breaches, 'alert_after_breaches', a.alert_after_breaches,
             'venue_id', a.venue_id, 'venue', a.venue, 'business_date', a.business_date,
             'occurred_at', a.occurred_at, 'timezone', a.timezone, 'currency', a.currency,
             'organization', a.organization, 'organization_slug', a.organization_slug))), 0)
    INTO v_queued
    FROM audited a;
  IF v_queued > 0 THEN
    PERFORM pg_notify('nightcap_deliveries', 'alert');
  END IF;
  RETURN NULL;
END
$fn$;

COMMENT ON FUNCTION internal.tg_kpi_alert_events__notify() IS
  'Audits each KPI alert raise, escalation and clear (alert.raised, .escalated, .cleared) and queues its notifications to the organization''s admins; NOTIFYs nightcap_deliveries.';
REVOKE ALL ON FUNCTION internal.tg_kpi_alert_events__notify() FROM PUBLIC;

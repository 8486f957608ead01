-- internal.tg_report_subscriptions__prepare(): a subscription takes its tenant and key from what it names, and is checked.
-- SECURITY DEFINER: fills a subscription from its template for an admin writing it through RLS; the lookups are the engine's.
CREATE OR REPLACE FUNCTION internal.tg_report_subscriptions__prepare()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  v_recipient reporting.report_recipients;
  v_template  reporting.report_templates;
BEGIN
  /*
   * BEFORE INSERT or UPDATE on reporting.report_subscriptions, per row, so
   * seed 001's INSERT (recipient_id, template_id, delivery_channels) works
   * with real ids:
   *   organization_id comes from the recipient (23503 when there is no such
   *   recipient, or not in the organization given); template_key from the
   *   template, which must be the same organization's (23503);
   *   a custom cron_expression is checked and normalised (22023), read in
   *   its timezone, else the recipient's;
   *   filters are {} or {"venue_id": a venue of the organization} (22023 / P0002);
   *   email delivery needs the recipient's email address (22023);
   *   formats must be ones the template may be rendered in (22023);
   *   pausing stamps paused_at, resuming resumed_at.
   */
  SELECT * INTO v_recipient
    FROM reporting.report_recipients r
   WHERE r.recipient_id = NEW.recipient_id
     AND (NEW.organization_id IS NULL OR r.organization_id = NEW.organization_id);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'report recipient % does not exist%', NEW.recipient_id,
      CASE WHEN NEW.organization_id IS NOT NULL THEN format(' in organization %s', NEW.organization_id) ELSE '' END
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  NEW.organization_id := v_recipient.organization_id;
  SELECT * INTO v_template
    FROM reporting.report_templates t
   WHERE t.organization_id = NEW.organization_id AND t.template_id = NEW.template_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'report template % does not exist in the recipient''s organization %', NEW.template_id,
      NEW.organization_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  NEW.template_key := v_template.template_key;
  IF NEW.cron_expression IS NOT NULL THEN
    NEW.cron_expression := api.cron_validate(NEW.cron_expression);
    NEW.timezone := coalesce(NEW.timezone, v_recipient.timezone);
  END IF;
  NEW.filters := coalesce(NEW.filters, '{}');
  IF jsonb_typeof(NEW.filters) <> 'object' OR NEW.filters - 'venue_id' <> '{}'
     OR (NEW.filters ? 'venue_id' AND (NEW.filters ->> 'venue_id') !~ '^\d+$') THEN
    RAISE EXCEPTION 'unknown subscription filters %', NEW.filters
      USING ERRCODE = '22023', HINT = 'Filters: {"venue_id": <a venue of the organization>} or {}.';
  END IF;
  IF NEW.filters ? 'venue_id' AND NOT EXISTS (
       SELECT FROM venue.venues v
        WHERE v.organization_id = NEW.organization_id AND v.venue_id = (NEW.filters ->> 'venue_id')::bigint) THEN
    RAISE EXCEPTION 'organization % has no venue %', NEW.organization_id, NEW.filters ->> 'venue_id'
      USING ERRCODE = 'P0002';
  END IF;
  IF 'email' = ANY (NEW.delivery_channels) AND v_recipient.email IS NULL THEN
    RAISE EXCEPTION 'recipient % (%) has no email address for an email subscription', v_recipient.recipient_id,
      v_recipient.name USING ERRCODE = '22023';
  END IF;
  IF NOT coalesce(NEW.formats, '{}') <@ v_template.formats THEN
    RAISE EXCEPTION 'template % cannot be rendered as %', v_template.template_key,
      array_to_string(ARRAY(SELECT f FROM unnest(NEW.formats) f WHERE f <> ALL (v_template.formats)), ', ')
      USING ERRCODE = '22023', HINT = format('Its formats: %s.', array_to_string(v_template.formats, ', '));
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.paused_at := CASE WHEN NEW.is_paused THEN coalesce(NEW.paused_at, now()) END;
    NEW.resumed_at := NULL;
  ELSIF NEW.is_paused AND NOT OLD.is_paused THEN
    NEW.paused_at := now();
  ELSIF OLD.is_paused AND NOT NEW.is_paused THEN
    NEW.resumed_at := now();
  END IF;
  RETURN NEW;
END
$fn$;

COMMENT ON FUNCTION internal.tg_report_subscriptions__prepare() IS
  'Fills a subscription''s organization and template key from its recipient and template and checks schedule, filters, channels and formats (23503, 22023, P0002); stamps pause and resume times.';
REVOKE ALL ON FUNCTION internal.tg_report_subscriptions__prepare() FROM PUBLIC;

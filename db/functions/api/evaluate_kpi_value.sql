-- api.evaluate_kpi_value(organization, venue, code, business_date, value): one evaluation of a KPI's alert, with hysteresis.
CREATE OR REPLACE FUNCTION api.evaluate_kpi_value(
  p_organization_id uuid,
  p_venue_id        bigint,
  p_code            text,
  p_business_date   date,
  p_value           numeric
)
RETURNS text
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_kpi         reporting.kpi_definitions;
  v_state       reporting.kpi_alert_states;
  v_status      text;
  v_breaches    integer;
  v_criticals   integer;
  v_level       text;
  v_transition  text;
  v_threshold   numeric;
BEGIN
  /*
   * Advances the alert state of one KPI at one venue
   * (reporting.kpi_alert_states) by its value on one business date, and
   * returns what happened: raised, escalated, cleared, unchanged,
   * no_value (a day without the figure, nothing traded: not an evaluation,
   * streaks kept) or already_evaluated.
   *
   * Hysteresis, with N = the KPI's alert_after_breaches (default 2):
   * - a breach is a value at warning or worse (internal.kpi_status against
   *   the KPI's thresholds and direction); the breach streak counts
   *   consecutive breaching evaluations, the critical streak consecutive
   *   critical ones; a value on target resets both;
   * - no alert and the breach streak reaches N: raised, at critical when the
   *   critical streak has reached N too, else at warning;
   * - a warning alert and the critical streak reaches N: escalated to
   *   critical (a new notification);
   * - an alert and one value on target: cleared. A critical alert whose
   *   value improves only to warning stays critical until it clears.
   * So a value flapping between breach and target with N >= 2 raises
   * nothing, and a raised alert is notified once, not every night.
   *
   * Evaluations only move forward: a business date at or before the last
   * one evaluated changes nothing (already_evaluated), so the nightly job
   * retried, or a catch-up over days already done, never counts a day
   * twice. Each transition is a reporting.kpi_alert_events row, which its
   * trigger audits and notifies. Concurrent evaluations of the same KPI and
   * venue take turns on its state row.
   *
   * 22004 a missing argument; P0002 an unknown organization, venue or KPI.
   */
  IF p_organization_id IS NULL OR p_venue_id IS NULL OR p_code IS NULL OR p_business_date IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'evaluate_kpi_value needs the organization, venue, KPI code and business date',
      HINT = 'p_value may be NULL (a day without the figure); nothing else may.';
  END IF;
  SELECT * INTO v_kpi FROM reporting.kpi_definitions k
   WHERE k.organization_id = p_organization_id AND k.code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('organization %s has no KPI %L', p_organization_id, p_code),
      HINT = 'The KPIs are the rows of reporting.kpi_definitions for the organization.';
  END IF;
  IF NOT EXISTS (SELECT FROM venue.venues v WHERE v.organization_id = p_organization_id AND v.venue_id = p_venue_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'no_data_found',
      MESSAGE = format('venue %s does not exist in organization %s', p_venue_id, p_organization_id);
  END IF;

  v_status := internal.kpi_status(p_value, v_kpi.direction, v_kpi.warning_threshold, v_kpi.critical_threshold);
  IF v_status IS NULL THEN
    RETURN 'no_value';
  END IF;

  INSERT INTO reporting.kpi_alert_states AS s (organization_id, venue_id, code)
  VALUES (p_organization_id, p_venue_id, p_code)
      ON CONFLICT (organization_id, venue_id, code) DO NOTHING;
  SELECT * INTO v_state FROM reporting.kpi_alert_states s
   WHERE s.organization_id = p_organization_id AND s.venue_id = p_venue_id AND s.code = p_code
     FOR UPDATE;
  IF v_state.last_business_date >= p_business_date THEN
    RETURN 'already_evaluated';
  END IF;

  v_breaches := CASE WHEN v_status IN ('warning', 'critical') THEN v_state.breach_streak + 1 ELSE 0 END;
  v_criticals := CASE WHEN v_status = 'critical' THEN v_state.critical_streak + 1 ELSE 0 END;
  v_level := v_state.level;
  IF v_state.level = 'none' AND v_breaches >= v_kpi.alert_after_breaches THEN
    v_transition := 'raised';
    v_level := CASE WHEN v_criticals >= v_kpi.alert_after_breaches THEN 'critical' ELSE 'warning' END;
  ELSIF v_state.level = 'warning' AND v_criticals >= v_kpi.alert_after_breaches THEN
    v_transition := 'escalated';
    v_level := 'critical';
  ELSIF v_state.level <> 'none' AND v_status = 'on_target' THEN
    v_transition := 'cleared';
    v_level := 'none';
  END IF;

  UPDATE reporting.kpi_alert_states s
     SET level = v_level, breach_streak = v_breaches, critical_streak = v_criticals,
         last_business_date = p_business_date, last_value = p_value, last_status = v_status,
         raised_at = CASE WHEN v_level = 'none' THEN NULL
                          WHEN v_transition = 'raised' THEN clock_timestamp() ELSE s.raised_at END,
         raised_on = CASE WHEN v_level = 'none' THEN NULL
                          WHEN v_transition = 'raised' THEN p_business_date ELSE s.raised_on END,
         escalated_at = CASE WHEN v_level = 'none' OR v_transition = 'raised' THEN NULL
                             WHEN v_transition = 'escalated' THEN clock_timestamp() ELSE s.escalated_at END,
         cleared_at = CASE WHEN v_transition = 'cleared' THEN clock_timestamp() ELSE s.cleared_at END,
         updated_at = clock_timestamp()
   WHERE s.organization_id = p_organization_id AND s.venue_id = p_venue_id AND s.code = p_code;

  IF v_transition IS NULL THEN
    RETURN 'unchanged';
  END IF;
  -- The threshold crossed: the raised or escalated level's; for a clear, the
  -- warning threshold the value is back within.
  v_threshold := CASE WHEN v_level = 'critical' THEN v_kpi.critical_threshold ELSE v_kpi.warning_threshold END;
  INSERT INTO reporting.kpi_alert_events
         (organization_id, venue_id, code, business_date, transition, level, value, threshold, breaches)
  VALUES (p_organization_id, p_venue_id, p_code, p_business_date, v_transition,
          CASE WHEN v_transition = 'cleared' THEN v_state.level ELSE v_level END,
          p_value, v_threshold, CASE WHEN v_level = 'critical' THEN v_criticals ELSE v_breaches END);
  RETURN v_transition;
END
$fn$;

COMMENT ON FUNCTION api.evaluate_kpi_value(uuid, bigint, text, date, numeric) IS
  'Evaluates one KPI value of a venue''s business date against its thresholds with hysteresis (alert_after_breaches consecutive breaches raise or escalate, one value on target clears; each date counts once) and returns raised, escalated, cleared, unchanged, no_value or already_evaluated. Raises 22004, P0002.';
REVOKE ALL ON FUNCTION api.evaluate_kpi_value(uuid, bigint, text, date, numeric) FROM PUBLIC;

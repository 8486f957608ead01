-- internal.check_kpi_arguments(code, from, to, venue, organization): validate or raise.
CREATE OR REPLACE FUNCTION internal.check_kpi_arguments(
  p_code            text,
  p_from            date,
  p_to              date,
  p_venue_id        bigint,
  p_organization_id uuid
)
RETURNS uuid
LANGUAGE plpgsql
STABLE
AS $fn$
DECLARE
  v_venue_org uuid;
BEGIN
  /*
   * The argument checks shared by the KPI functions. Returns the
   * organization the call is about (the venue's when only a venue is given).
   */
  IF p_code IS NULL OR p_from IS NULL OR p_to IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'KPI code, p_from and p_to are required';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM internal.kpi_catalog() c WHERE c.code = p_code) THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('unknown KPI code %L', p_code),
      HINT = 'Known codes: ' || (SELECT string_agg(c.code, ', ' ORDER BY c.code) FROM internal.kpi_catalog() c);
  END IF;
  IF p_to < p_from THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('p_to (%s) is before p_from (%s)', p_to, p_from);
  END IF;
  IF p_venue_id IS NOT NULL THEN
    SELECT organization_id INTO v_venue_org FROM venue.venues WHERE venue_id = p_venue_id;
    IF NOT FOUND OR (p_organization_id IS NOT NULL AND v_venue_org <> p_organization_id) THEN
      RAISE EXCEPTION USING ERRCODE = 'no_data_found',
        MESSAGE = format('venue %s does not exist%s', p_venue_id,
                         CASE WHEN p_organization_id IS NULL THEN ''
                              ELSE format(' in organization %s', p_organization_id) END);
    END IF;
    RETURN v_venue_org;
  END IF;
  IF p_organization_id IS NOT NULL THEN
    PERFORM internal.require_organization(p_organization_id);
  END IF;
  -- Across organizations, money only adds up in one currency.
  IF p_organization_id IS NULL
     AND (SELECT count(DISTINCT currency) FROM venue.organizations) > 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = 'the organizations visible here use more than one currency',
      HINT = 'Name an organization or a venue.';
  END IF;
  RETURN p_organization_id;
END
$fn$;

COMMENT ON FUNCTION internal.check_kpi_arguments(text, date, date, bigint, uuid) IS
  'Validates KPI arguments (22004 missing, 22023 unknown code, reversed period or several currencies without an organization, P0002 unknown venue or organization) and returns the organization concerned.';
REVOKE ALL ON FUNCTION internal.check_kpi_arguments(text, date, date, bigint, uuid) FROM PUBLIC;

-- api.create_organization(name, slug, currency): a new tenant.
CREATE OR REPLACE FUNCTION api.create_organization(
  p_name     text,
  p_slug     text,
  p_currency text DEFAULT 'GBP'
)
RETURNS uuid
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_organization_id uuid;
BEGIN
  /* Creates an organization (a tenant) and returns its id. */
  IF p_name IS NULL OR btrim(p_name) = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'organization name is missing';
  END IF;
  IF p_slug IS NULL OR p_slug !~ '^[a-z0-9][a-z0-9-]{0,62}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('invalid organization slug %L', p_slug),
      HINT = 'Use lower-case letters, digits and hyphens, e.g. backroom-leeds.';
  END IF;
  IF p_currency IS NULL OR p_currency !~ '^[A-Z]{3}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('invalid currency %L', p_currency),
      HINT = 'Use an ISO 4217 code such as GBP or EUR.';
  END IF;
  IF EXISTS (SELECT 1 FROM venue.organizations WHERE slug = p_slug) THEN
    RAISE EXCEPTION USING ERRCODE = 'unique_violation',
      MESSAGE = format('an organization with slug %L already exists', p_slug);
  END IF;

  INSERT INTO venue.organizations (name, slug, currency)
  VALUES (btrim(p_name), p_slug, p_currency)
  RETURNING organization_id INTO v_organization_id;
  RETURN v_organization_id;
END
$fn$;

COMMENT ON FUNCTION api.create_organization(text, text, text) IS
  'Creates an organization (tenant) with a URL-safe slug and ISO currency; returns its id. Raises 22004 (no name), 22023 (bad slug or currency), 23505 (slug taken).';
REVOKE ALL ON FUNCTION api.create_organization(text, text, text) FROM PUBLIC;

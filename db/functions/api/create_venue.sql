-- api.create_venue(...): a venue of an organization.
CREATE OR REPLACE FUNCTION api.create_venue(
  p_organization_id    uuid,
  p_name               text,
  p_slug               text,
  p_capacity           integer,
  p_timezone           text DEFAULT 'Europe/London',
  p_trading_day_starts time DEFAULT '06:00',
  p_kind               text DEFAULT 'nightclub',
  p_city               text DEFAULT NULL,
  p_brand_colour       text DEFAULT '#7c2d12'
)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
  v_venue_id bigint;
BEGIN
  /* Creates a venue with its time zone, trading-day start and capacity. */
  IF p_organization_id IS NULL OR nullif(btrim(p_name), '') IS NULL OR p_slug IS NULL OR p_capacity IS NULL
     OR p_timezone IS NULL OR p_trading_day_starts IS NULL OR p_kind IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
      MESSAGE = 'organization, name, slug, capacity, time zone, trading-day start and kind are required';
  END IF;
  PERFORM internal.require_organization(p_organization_id);
  IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = p_timezone) THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('unknown time zone %L', p_timezone),
      HINT = 'Use an IANA name such as Europe/London.';
  END IF;
  IF date_trunc('hour', p_trading_day_starts::interval) <> p_trading_day_starts::interval THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('the trading day must start on the hour, got %s', p_trading_day_starts),
      HINT = 'For example 06:00.';
  END IF;
  IF p_capacity <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('capacity must be positive, got %s', p_capacity);
  END IF;
  IF p_slug !~ '^[a-z0-9][a-z0-9-]{0,62}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('invalid venue slug %L', p_slug),
      HINT = 'Use lower-case letters, digits and hyphens.';
  END IF;
  IF p_kind NOT IN ('nightclub', 'bar', 'event_space', 'wedding_venue') THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = format('unknown venue kind %L', p_kind),
      HINT = 'One of nightclub, bar, event_space, wedding_venue.';
  END IF;
  IF EXISTS (SELECT 1 FROM venue.venues WHERE organization_id = p_organization_id AND slug = p_slug) THEN
    RAISE EXCEPTION USING ERRCODE = 'unique_violation',
      MESSAGE = format('the organization already has a venue with slug %L', p_slug);
  END IF;

  INSERT INTO venue.venues (organization_id, name, slug, capacity, timezone,
                            trading_day_starts, kind, city, brand_colour)
  VALUES (p_organization_id, btrim(p_name), p_slug, p_capacity, p_timezone,
          p_trading_day_starts, p_kind, p_city, coalesce(p_brand_colour, '#7c2d12'))
  RETURNING venue_id INTO v_venue_id;
  RETURN v_venue_id;
END
$fn$;

COMMENT ON FUNCTION api.create_venue(uuid, text, text, integer, text, time, text, text, text) IS
  'Creates a venue of an organization; returns its id. The trading day starts at p_trading_day_starts local time in p_timezone. Raises 22004, 22023 (unknown time zone, trading day not on the hour, bad capacity/slug/kind), P0002 (no such organization), 23505 (slug taken).';
REVOKE ALL ON FUNCTION api.create_venue(uuid, text, text, integer, text, time, text, text, text) FROM PUBLIC;

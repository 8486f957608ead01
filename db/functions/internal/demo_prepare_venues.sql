-- internal.demo_prepare_venues(organization, seed): areas, tables and staff for the demo.
CREATE OR REPLACE FUNCTION internal.demo_prepare_venues(p_organization_id uuid, p_seed bigint)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
  /*
   * Gives every venue of the organization that has no tables yet a floor plan
   * (areas, tables with capacities and minimum spends) and a staff roster
   * fitting its kind. Venues that already have tables are left alone.
   */
  CREATE TEMP TABLE demo_new_venues ON COMMIT DROP AS
  SELECT v.organization_id, v.venue_id, v.slug, v.venue_no,
         CASE v.kind WHEN 'wedding_venue' THEN 'wedding' ELSE 'club' END AS programme
    FROM (SELECT *, row_number() OVER (ORDER BY venue_id) AS venue_no
            FROM venue.venues WHERE organization_id = p_organization_id) v
   WHERE NOT EXISTS (SELECT 1 FROM venue.tables t
                      WHERE t.organization_id = v.organization_id AND t.venue_id = v.venue_id);

  INSERT INTO venue.areas (organization_id, venue_id, name, kind)
  SELECT nv.organization_id, nv.venue_id, a.name, a.kind
    FROM demo_new_venues nv
    JOIN (VALUES ('club', 'VIP Room', 'vip'), ('club', 'Booths', 'booth'),
                 ('club', 'Mezzanine', 'mezzanine'),
                 ('wedding', 'Great Hall', 'function_room'), ('wedding', 'Garden Terrace', 'terrace'))
         AS a(programme, name, kind) USING (programme);

  INSERT INTO venue.tables (organization_id, venue_id, area_id, label, capacity, minimum_spend)
  SELECT nv.organization_id, nv.venue_id, ar.area_id, t.prefix || g, t.capacity,
         CASE WHEN t.prefix = 'V' AND g <= 2 THEN 1000 ELSE t.minimum_spend END
    FROM demo_new_venues nv
    JOIN (VALUES ('club', 'VIP Room', 'V', 6, 10, 600.00), ('club', 'Booths', 'B', 10, 6, 250.00),
                 ('club', 'Mezzanine', 'M', 8, 4, 150.00),
                 ('wedding', 'Great Hall', 'H', 14, 10, 0.00), ('wedding', 'Garden Terrace', 'T', 4, 8, 0.00))
         AS t(programme, area, prefix, how_many, capacity, minimum_spend) USING (programme)
    JOIN venue.areas ar ON ar.organization_id = nv.organization_id AND ar.venue_id = nv.venue_id
                       AND ar.name = t.area
   CROSS JOIN LATERAL generate_series(1, t.how_many) AS g;

  INSERT INTO venue.staff (organization_id, venue_id, full_name, role, email, hourly_rate, hired_on)
  SELECT nv.organization_id, nv.venue_id, n.first_name || ' ' || n.last_name, r.role,
         lower(n.first_name || '.' || n.last_name || '.' || nv.venue_id || g) || '@' || nv.slug || '.example.com',
         r.hourly_rate, date '2022-01-10' + (internal.demo_random(p_seed, nv.venue_no, 900000 + r.ord * 100 + g) * 900)::int
    FROM demo_new_venues nv
    JOIN (VALUES ('club', 1, 'manager', 2, 19.50), ('club', 2, 'host', 4, 13.00),
                 ('club', 3, 'bartender', 10, 12.00), ('club', 4, 'door', 3, 12.50),
                 ('club', 5, 'security', 5, 14.00), ('club', 6, 'promoter', 5, NULL),
                 ('club', 7, 'dj', 3, 45.00),
                 ('wedding', 1, 'manager', 1, 19.50), ('wedding', 2, 'coordinator', 3, 16.00),
                 ('wedding', 3, 'server', 12, 11.80), ('wedding', 4, 'bartender', 4, 12.00))
         AS r(programme, ord, role, how_many, hourly_rate) USING (programme)
   CROSS JOIN LATERAL generate_series(1, r.how_many) AS g
   CROSS JOIN LATERAL internal.demo_person_name(p_seed, nv.venue_no * 1000 + r.ord * 50 + g) AS n;

  DROP TABLE demo_new_venues;
END
$fn$;

COMMENT ON FUNCTION internal.demo_prepare_venues(uuid, bigint) IS
  'Demo floor plans and staff rosters for the organization''s venues that have no tables yet (club: VIP Room, Booths, Mezzanine; wedding venue: Great Hall, Garden Terrace).';
REVOKE ALL ON FUNCTION internal.demo_prepare_venues(uuid, bigint) FROM PUBLIC;

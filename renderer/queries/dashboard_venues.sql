-- The venues the signed-in user may watch (row-level security decides which).
SELECT v.venue_id, v.name, v.timezone, v.capacity, o.name AS organization
  FROM venue.venues v
  JOIN venue.organizations o USING (organization_id)
 ORDER BY o.name, v.name

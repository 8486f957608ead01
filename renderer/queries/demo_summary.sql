-- What `make demo` prints: per organization, its size and the nights it covers.
SELECT o.name AS organization,
       (SELECT count(*) FROM venue.venues v WHERE v.organization_id = o.organization_id) AS venues,
       (SELECT count(*) FROM venue.events e WHERE e.organization_id = o.organization_id) AS events,
       (SELECT count(*) FROM venue.customers c WHERE c.organization_id = o.organization_id) AS customers,
       (SELECT count(*) FROM venue.bookings b WHERE b.organization_id = o.organization_id) AS bookings,
       (SELECT count(*) FROM venue.payments p WHERE p.organization_id = o.organization_id) AS payments,
       (SELECT count(*) FROM venue.check_ins c WHERE c.organization_id = o.organization_id) AS check_ins,
       (SELECT min(starts_at)::date FROM venue.events e WHERE e.organization_id = o.organization_id) AS first_night,
       (SELECT max(starts_at)::date FROM venue.events e WHERE e.organization_id = o.organization_id) AS last_night
  FROM venue.organizations o
 ORDER BY o.name

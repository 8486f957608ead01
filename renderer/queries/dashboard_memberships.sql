-- The signed-in user's organizations and roles (venue.memberships' own_read
-- policy shows a user only their own memberships).
SELECT m.organization_id, o.name, o.slug, m.role
  FROM venue.memberships m
  JOIN venue.organizations o USING (organization_id)
 WHERE m.user_id = %(user_id)s
 ORDER BY o.name

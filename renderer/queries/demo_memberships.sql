-- One user of each role in each demo organization (venue.memberships), with
-- ids fixed by the slug and role so a second run changes nothing; the staff
-- user is the organization's first staff member. Returns them, to try the
-- policies: SET ROLE nightcap_manager; SELECT set_config('nightcap.user_id', '<id>', false);
WITH people (role) AS (VALUES ('admin'), ('manager'), ('staff'), ('auditor')),
users AS (
  SELECT o.organization_id, o.slug, p.role, md5('nightcap-demo:' || o.slug || ':' || p.role)::uuid AS user_id
    FROM venue.organizations o CROSS JOIN people p
   WHERE o.slug = ANY (%(slugs)s)
), members AS (
  INSERT INTO venue.memberships (organization_id, user_id, role, display_name)
  SELECT u.organization_id, u.user_id, u.role, initcap(u.role) || ' (demo)'
    FROM users u
      ON CONFLICT (organization_id, user_id) DO NOTHING
), staff_user AS (
  UPDATE venue.staff s SET user_id = u.user_id
    FROM users u
   WHERE u.role = 'staff' AND s.organization_id = u.organization_id AND s.user_id IS NULL
     AND s.staff_id = (SELECT min(f.staff_id) FROM venue.staff f WHERE f.organization_id = u.organization_id)
     AND NOT EXISTS (SELECT 1 FROM venue.staff t WHERE t.organization_id = u.organization_id AND t.user_id = u.user_id)
)
SELECT u.slug AS organization, u.role, 'nightcap_' || u.role AS database_role, u.user_id
  FROM users u
 ORDER BY u.slug, array_position(ARRAY['admin', 'manager', 'staff', 'auditor'], u.role)

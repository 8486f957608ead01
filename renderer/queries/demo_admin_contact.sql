-- The demo's admin is reachable: each organization's owner recipient is
-- linked to its admin member (report_recipients.user_id), so the
-- organization's alerts reach the admin by that recipient's email, with its
-- consent. Idempotent: a recipient already linked, or an admin who already
-- has one, is left as it is.
UPDATE reporting.report_recipients r
   SET user_id = m.user_id
  FROM venue.memberships m
  JOIN venue.organizations o USING (organization_id)
 WHERE o.slug = ANY (%(slugs)s) AND m.role = 'admin'
   AND m.user_id = md5('nightcap-demo:' || o.slug || ':admin')::uuid
   AND r.organization_id = m.organization_id AND r.role = 'owner' AND r.user_id IS NULL
   AND NOT EXISTS (SELECT FROM reporting.report_recipients x
                    WHERE x.organization_id = m.organization_id AND x.user_id = m.user_id)

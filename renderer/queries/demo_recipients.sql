-- The demo's report recipients: an owner, a manager and a finance lead per
-- organization, subscribed by seed 001's recipients (Daily: owner, manager,
-- finance; Weekly: owner, finance). Idempotent: existing rows are kept.
WITH people (role, local_part, name, formats) AS (
  VALUES ('owner', 'owner', 'Owner', '{pdf,xlsx}'::text[]),
         ('manager', 'manager', 'General Manager', '{pdf}'),
         ('finance', 'finance', 'Finance', '{xlsx,pdf}')
), recipients AS (
  INSERT INTO reporting.report_recipients
         (organization_id, name, email, role, preferred_channels, preferred_formats, consent_given_at, verified_at)
  SELECT o.organization_id, p.name || ', ' || o.name, p.local_part || '@' || o.slug || '.example', p.role,
         '{email}', p.formats, now(), now()
    FROM venue.organizations o CROSS JOIN people p
   WHERE o.slug = ANY (%(slugs)s)
      ON CONFLICT (organization_id, lower(email)) WHERE email IS NOT NULL DO NOTHING
  RETURNING organization_id, recipient_id, role
), every_recipient AS (
  SELECT r.organization_id, r.recipient_id, r.role FROM recipients r
  UNION
  SELECT r.organization_id, r.recipient_id, r.role
    FROM reporting.report_recipients r JOIN venue.organizations o USING (organization_id)
   WHERE o.slug = ANY (%(slugs)s) AND r.role IN ('owner', 'manager', 'finance')
)
INSERT INTO reporting.report_subscriptions (organization_id, recipient_id, template_id, delivery_channels)
SELECT r.organization_id, r.recipient_id, t.template_id,
       CASE WHEN r.role = 'owner' THEN '{email,dashboard}'::text[] ELSE '{email}' END
  FROM every_recipient r
  JOIN reporting.report_templates t ON t.organization_id = r.organization_id AND t.status = 'active'
   AND (t.template_key = 'daily_summary' OR (t.template_key = 'weekly_summary' AND r.role IN ('owner', 'finance')))
    ON CONFLICT ON CONSTRAINT report_subscriptions_once DO NOTHING

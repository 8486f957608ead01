-- 0018: indexes for the lookups and foreign keys the delivery path uses, and
-- subscription ids that are unique across organizations.
--
-- A one-click unsubscribe link names a subscription by its id alone, so the
-- id must never repeat across organizations: it is now always generated.
-- The foreign keys from the histories to templates, venues, recipients and
-- subscriptions get indexes, so deleting a draft template or a recipient
-- never scans a history table.
ALTER TABLE reporting.report_subscriptions ALTER COLUMN subscription_id SET GENERATED ALWAYS;
CREATE UNIQUE INDEX report_subscriptions_id_key ON reporting.report_subscriptions (subscription_id);
COMMENT ON COLUMN reporting.report_subscriptions.subscription_id IS
  'Always generated, and unique across organizations: an unsubscribe link names it alone.';

CREATE INDEX report_generation_history_template_idx
  ON reporting.report_generation_history (organization_id, template_id);
CREATE INDEX report_generation_history_venue_idx
  ON reporting.report_generation_history (organization_id, venue_id) WHERE venue_id IS NOT NULL;
CREATE INDEX report_delivery_history_recipient_idx
  ON reporting.report_delivery_history (organization_id, recipient_id);
CREATE INDEX report_delivery_history_subscription_idx
  ON reporting.report_delivery_history (organization_id, subscription_id) WHERE subscription_id IS NOT NULL;

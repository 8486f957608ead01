-- 0016: deliveries. When a report completes, one reporting.report_delivery_history
-- row per (subscription, channel) is written in the same transaction; the
-- renderer claims them with a lease, as it claims reports, and records each
-- attempt and provider answer. Retry timing lives here, in SQL. Every status
-- change and provider answer is also appended to audit.delivery_events, the
-- compliance log.

ALTER TABLE venue.organizations
  ADD COLUMN require_verified_recipients boolean NOT NULL DEFAULT false,
  ADD COLUMN bounce_suppression_threshold integer NOT NULL DEFAULT 3,
  ADD CONSTRAINT organizations_bounce_threshold_positive CHECK (bounce_suppression_threshold >= 1);
COMMENT ON COLUMN venue.organizations.require_verified_recipients IS
  'When true, email goes only to report recipients whose address is verified (verified_at); the others'' deliveries are skipped with the reason.';
COMMENT ON COLUMN venue.organizations.bounce_suppression_threshold IS
  'Hard bounces and complaints after which a report recipient is suppressed.';

ALTER TABLE reporting.report_recipients
  ADD CONSTRAINT report_recipients_webhook_url_http CHECK (webhook_url IS NULL OR webhook_url ~ '^https?://[^\s/$.?#][^\s]*$'),
  ADD CONSTRAINT report_recipients_slack_url_http CHECK (slack_webhook_url IS NULL OR slack_webhook_url ~ '^https?://[^\s/$.?#][^\s]*$'),
  ADD CONSTRAINT report_recipients_webhook_channel_has_url CHECK (NOT ('webhook' = ANY (preferred_channels)) OR webhook_url IS NOT NULL),
  ADD CONSTRAINT report_recipients_slack_channel_has_url CHECK (NOT ('slack' = ANY (preferred_channels)) OR slack_webhook_url IS NOT NULL);
COMMENT ON CONSTRAINT report_recipients_webhook_url_http ON reporting.report_recipients IS
  'A webhook is an http(s) URL; anything else (file:, javascript:, a bare host) is refused.';

CREATE TABLE reporting.report_delivery_history (
  organization_id     uuid NOT NULL,
  delivery_id         bigint GENERATED ALWAYS AS IDENTITY,
  generation_id       bigint NOT NULL,
  subscription_id     bigint,
  recipient_id        bigint NOT NULL,
  channel             text NOT NULL,
  destination         text,
  formats             text[] NOT NULL DEFAULT '{}',
  status              text NOT NULL DEFAULT 'queued',
  skip_reason         text,
  attempts            integer NOT NULL DEFAULT 0,
  retry_delays        interval[] NOT NULL DEFAULT '{1 minute,5 minutes,30 minutes}',
  next_attempt_at     timestamptz,
  worker              text,
  lease_expires_at    timestamptz,
  provider            text,
  provider_message_id text,
  message_id          text NOT NULL,
  idempotency_key     uuid NOT NULL DEFAULT gen_random_uuid(),
  last_error          text,
  queued_at           timestamptz NOT NULL DEFAULT now(),
  sending_at          timestamptz,
  sent_at             timestamptz,
  delivered_at        timestamptz,
  opened_at           timestamptz,
  clicked_at          timestamptz,
  deferred_at         timestamptz,
  bounced_at          timestamptz,
  complained_at       timestamptz,
  failed_at           timestamptz,
  skipped_at          timestamptz,
  PRIMARY KEY (organization_id, delivery_id),
  FOREIGN KEY (organization_id, generation_id) REFERENCES reporting.report_generation_history,
  FOREIGN KEY (organization_id, recipient_id) REFERENCES reporting.report_recipients,
  CONSTRAINT report_delivery_history_once UNIQUE (organization_id, generation_id, subscription_id, channel),
  CONSTRAINT report_delivery_history_channel_known CHECK (channel IN ('email', 'dashboard', 'webhook', 'slack', 'sms', 'api')),
  CONSTRAINT report_delivery_history_status_known CHECK (status IN (
    'queued', 'sending', 'sent', 'delivered', 'opened', 'clicked', 'deferred', 'bounced', 'complained', 'failed', 'skipped')),
  CONSTRAINT report_delivery_history_skip_has_reason CHECK ((status = 'skipped') = (skip_reason IS NOT NULL)),
  CONSTRAINT report_delivery_history_sending_has_lease CHECK (status <> 'sending' OR (worker IS NOT NULL AND lease_expires_at IS NOT NULL)),
  CONSTRAINT report_delivery_history_attempts_not_negative CHECK (attempts >= 0)
);
CREATE INDEX report_delivery_history_due_idx ON reporting.report_delivery_history (next_attempt_at)
  WHERE status IN ('queued', 'deferred');
CREATE INDEX report_delivery_history_leases_idx ON reporting.report_delivery_history (lease_expires_at)
  WHERE status = 'sending';
CREATE INDEX report_delivery_history_generation_idx ON reporting.report_delivery_history (organization_id, generation_id);
CREATE INDEX report_delivery_history_delivery_idx ON reporting.report_delivery_history (delivery_id);
CREATE INDEX report_delivery_history_provider_idx ON reporting.report_delivery_history (provider, provider_message_id)
  WHERE provider_message_id IS NOT NULL;
COMMENT ON TABLE reporting.report_delivery_history IS
  'One row per completed report, subscription and channel: queued -> sending -> sent -> delivered -> opened / clicked, or deferred (retried after retry_delays: 1, 5, 30 minutes, then failed), bounced, complained, failed; skipped with the reason for recipients suppressed, unverified where verification is required, paused, or without consent. Every transition is timestamped; provider and provider message id are kept. message_id and idempotency_key never change, so a re-send after a crash is recognisable as the same message.';
COMMENT ON COLUMN reporting.report_delivery_history.retry_delays IS
  'Wait after the 1st, 2nd, 3rd failed attempt; the attempt after the last delay is the last (default: 1 minute, 5 minutes, 30 minutes, then failed).';

CREATE TABLE audit.delivery_events (
  event_id        bigint GENERATED ALWAYS AS IDENTITY,
  organization_id uuid NOT NULL,
  delivery_id     bigint NOT NULL,
  occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor           text NOT NULL,
  event           text NOT NULL,
  from_status     text,
  to_status       text,
  provider        text,
  details         jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (organization_id, event_id)
);
CREATE INDEX delivery_events_delivery_idx ON audit.delivery_events (organization_id, delivery_id, occurred_at);
COMMENT ON TABLE audit.delivery_events IS
  'The compliance log of deliveries, append-only: every status change, send attempt and provider answer, with who (worker or role), when, which provider and the details. Nothing updates or deletes it.';

-- Seed 003: alert when a report's bounce rate passes 5%.
ALTER TABLE reporting.job_alerts DROP CONSTRAINT job_alerts_type_known;
ALTER TABLE reporting.job_alerts ADD CONSTRAINT job_alerts_type_known CHECK (
  alert_type IN ('failure', 'consecutive_failures', 'timeout', 'slow', 'missed_run', 'bounce_rate'));
COMMENT ON CONSTRAINT job_alerts_type_known ON reporting.job_alerts IS
  'bounce_rate: more than 5% of a report''s email deliveries bounced or complained (api.record_provider_event).';

-- 0023: alert notifications. Step 3's job alert events and Step 2's KPI
-- threshold breaches reach the organization's admins through Step 6's
-- channels (email, webhook, Slack).
--
-- Who the admins' contacts are: a report recipient may be linked to a member
-- (report_recipients.user_id). An admin is reachable when a recipient is
-- linked to them, and is reached through that recipient's channels, with its
-- consent, verification and suppression: one place holds a person's
-- addresses and their consent, whatever is sent to them.
--
-- Where notifications live: in reporting.report_delivery_history, beside the
-- reports' deliveries, with generation_id NULL and the alert in its place.
-- The delivery machinery (api.claim_deliveries' leases with SKIP LOCKED,
-- api.begin_delivery, api.record_delivery's retry delays and Retry-After,
-- the expired-lease reclaim, the idempotency key and stable Message-ID,
-- provider events and bounce suppression, the compliance log, retention and
-- the monitoring views) then serves alerts unchanged. A table of their own
-- would have needed a copy of each of those.

-- Step 2's KPIs: how many consecutive breaching evaluations raise an alert.
ALTER TABLE reporting.kpi_definitions
  ADD COLUMN alert_after_breaches integer NOT NULL DEFAULT 2,
  ADD CONSTRAINT kpi_definitions_alert_after_positive CHECK (alert_after_breaches >= 1);
COMMENT ON COLUMN reporting.kpi_definitions.alert_after_breaches IS
  'Hysteresis: consecutive evaluations at warning or worse (trading days, api.evaluate_kpi_alerts) that raise an alert, and at critical that escalate one; one evaluation back on target clears it. Default 2: one bad night alone raises nothing.';

-- The admins' contacts.
ALTER TABLE reporting.report_recipients
  ADD COLUMN user_id uuid,
  ADD CONSTRAINT report_recipients_member_fkey FOREIGN KEY (organization_id, user_id)
    REFERENCES venue.memberships (organization_id, user_id) ON DELETE SET NULL (user_id);
CREATE UNIQUE INDEX report_recipients_user_key ON reporting.report_recipients (organization_id, user_id)
  WHERE user_id IS NOT NULL;
COMMENT ON COLUMN reporting.report_recipients.user_id IS
  'The member (venue.memberships) this recipient is: an admin''s linked recipient receives the organization''s alert notifications through its channels, consent and verification. At most one recipient per member; unlinked when the membership goes.';

-- Per organization, venue and KPI: where its alert stands.
CREATE TABLE reporting.kpi_alert_states (
  organization_id     uuid NOT NULL,
  venue_id            bigint NOT NULL,
  code                text NOT NULL,
  level               text NOT NULL DEFAULT 'none',
  breach_streak       integer NOT NULL DEFAULT 0,
  critical_streak     integer NOT NULL DEFAULT 0,
  last_business_date  date,
  last_value          numeric(16,4),
  last_status         text,
  raised_at           timestamptz,
  raised_on           date,
  escalated_at        timestamptz,
  cleared_at          timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, venue_id, code),
  FOREIGN KEY (organization_id, code) REFERENCES reporting.kpi_definitions,
  FOREIGN KEY (organization_id, venue_id) REFERENCES venue.venues,
  CONSTRAINT kpi_alert_states_level_known CHECK (level IN ('none', 'warning', 'critical')),
  CONSTRAINT kpi_alert_states_streaks_ordered CHECK (critical_streak >= 0 AND breach_streak >= critical_streak),
  CONSTRAINT kpi_alert_states_raised_has_time CHECK ((level = 'none') = (raised_at IS NULL)),
  CONSTRAINT kpi_alert_states_status_known CHECK (last_status IS NULL OR last_status IN ('on_target', 'warning', 'critical'))
);
COMMENT ON TABLE reporting.kpi_alert_states IS
  'The alert state of each KPI at each venue: level none / warning / critical, the current runs of consecutive breaching (warning or worse) and critical evaluations, the last business date evaluated (evaluations only move forward, so the same date twice counts once), and when the alert was raised, escalated and cleared. Written only by api.evaluate_kpi_value.';

-- What changed: one row per raise, escalation and clear; each is notified.
CREATE TABLE reporting.kpi_alert_events (
  organization_id     uuid NOT NULL,
  kpi_alert_event_id  bigint GENERATED ALWAYS AS IDENTITY,
  venue_id            bigint NOT NULL,
  code                text NOT NULL,
  business_date       date NOT NULL,
  transition          text NOT NULL,
  level               text NOT NULL,
  value               numeric(16,4) NOT NULL,
  threshold           numeric(14,4) NOT NULL,
  breaches            integer NOT NULL,
  occurred_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  notified_at         timestamptz,
  PRIMARY KEY (organization_id, kpi_alert_event_id),
  FOREIGN KEY (organization_id, code) REFERENCES reporting.kpi_definitions,
  FOREIGN KEY (organization_id, venue_id) REFERENCES venue.venues,
  CONSTRAINT kpi_alert_events_once_per_evaluation UNIQUE (organization_id, venue_id, code, business_date),
  CONSTRAINT kpi_alert_events_transition_known CHECK (transition IN ('raised', 'escalated', 'cleared')),
  CONSTRAINT kpi_alert_events_level_known CHECK (level IN ('warning', 'critical')),
  CONSTRAINT kpi_alert_events_breaches_not_negative CHECK (breaches >= 0)
);
CREATE INDEX kpi_alert_events_occurred_idx ON reporting.kpi_alert_events (organization_id, occurred_at);
COMMENT ON TABLE reporting.kpi_alert_events IS
  'KPI alerts raised (level warning or critical), escalated (warning to critical) and cleared (level: the one cleared), with the evaluation''s business date and value, the threshold crossed (for a clear, the warning threshold the value is back within) and the run of breaches. One evaluation makes at most one. notified_at: when the first admin was sent it.';

-- Notifications beside the reports' deliveries.
CREATE UNIQUE INDEX job_alert_events_organization_key ON reporting.job_alert_events (organization_id, event_id);
ALTER TABLE reporting.report_delivery_history
  ALTER COLUMN generation_id DROP NOT NULL,
  ADD COLUMN job_alert_event_id bigint,
  ADD COLUMN kpi_alert_event_id bigint,
  ADD COLUMN alert jsonb,
  ADD CONSTRAINT report_delivery_history_job_alert_fkey FOREIGN KEY (organization_id, job_alert_event_id)
    REFERENCES reporting.job_alert_events (organization_id, event_id) ON DELETE SET NULL (job_alert_event_id),
  ADD CONSTRAINT report_delivery_history_kpi_alert_fkey FOREIGN KEY (organization_id, kpi_alert_event_id)
    REFERENCES reporting.kpi_alert_events ON DELETE SET NULL (kpi_alert_event_id),
  ADD CONSTRAINT report_delivery_history_report_or_alert CHECK ((generation_id IS NULL) = (alert IS NOT NULL)),
  ADD CONSTRAINT report_delivery_history_alert_object CHECK (alert IS NULL OR jsonb_typeof(alert) = 'object'),
  ADD CONSTRAINT report_delivery_history_alert_source CHECK (
    num_nonnulls(job_alert_event_id, kpi_alert_event_id) = 0
    OR (alert IS NOT NULL AND num_nonnulls(job_alert_event_id, kpi_alert_event_id) = 1)),
  ADD CONSTRAINT report_delivery_history_job_alert_once UNIQUE (organization_id, job_alert_event_id, recipient_id, channel),
  ADD CONSTRAINT report_delivery_history_kpi_alert_once UNIQUE (organization_id, kpi_alert_event_id, recipient_id, channel);
COMMENT ON COLUMN reporting.report_delivery_history.alert IS
  'For an alert notification (generation_id NULL): what it says, fixed when it was queued (kind job or kpi, transition, level, and the alert''s figures; see README "Alerts"). NULL for a report''s delivery.';
COMMENT ON CONSTRAINT report_delivery_history_report_or_alert ON reporting.report_delivery_history IS
  'A delivery carries either a report (generation_id) or an alert (alert), never both nor neither.';
COMMENT ON CONSTRAINT report_delivery_history_alert_source ON reporting.report_delivery_history IS
  'An alert notification comes from at most one event, a job alert or a KPI alert (the reference is NULLed if the event is ever deleted; the alert column keeps what was said).';

-- api.claim_deliveries returns the alert too (db/functions/api/claim_deliveries.sql
-- makes it again after this revision).
DROP FUNCTION IF EXISTS api.claim_deliveries(text, integer, interval, text[]);

-- 0014: reports in the database: versioned templates and their sections,
-- recipients, subscriptions, and the history of every generated report.
--
-- A template is a set of versions under one key per organization. A version
-- is written as a draft (its sections may still change), then activated:
-- from then on it is immutable, and activating the next version of the key
-- retires it. reporting.report_template_changes keeps who did what, when.
-- Every number a report shows is computed into one JSONB snapshot by
-- api.generate_report from the named dataset functions its sections refer
-- to (internal.report_datasets()); the renderer only lays it out.

CREATE TABLE reporting.report_templates (
  organization_id  uuid NOT NULL REFERENCES venue.organizations,
  template_id      bigint GENERATED ALWAYS AS IDENTITY,
  template_key     text NOT NULL,
  version          integer NOT NULL,
  name             text NOT NULL,
  description      text,
  report_type      text NOT NULL DEFAULT 'custom',
  period_kind      text NOT NULL DEFAULT 'trading_day',
  formats          text[] NOT NULL DEFAULT '{pdf,html}',
  schedule_cron    text,
  schedule_timezone text NOT NULL DEFAULT 'Europe/London',
  cache_ttl        interval NOT NULL DEFAULT '90 minutes',
  skip_when_empty  boolean NOT NULL DEFAULT false,
  is_system        boolean NOT NULL DEFAULT false,
  status           text NOT NULL DEFAULT 'draft',
  change_note      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       text NOT NULL,
  activated_at     timestamptz,
  retired_at       timestamptz,
  PRIMARY KEY (organization_id, template_id),
  CONSTRAINT report_templates_version_key UNIQUE (organization_id, template_key, version),
  CONSTRAINT report_templates_key_format CHECK (template_key ~ '^[a-z][a-z0-9_]{1,62}$'),
  CONSTRAINT report_templates_version_positive CHECK (version >= 1),
  CONSTRAINT report_templates_name_present CHECK (btrim(name) <> ''),
  CONSTRAINT report_templates_report_type_known CHECK (
    report_type IN ('daily_summary', 'weekly_summary', 'event_performance', 'customer_insights', 'custom')),
  CONSTRAINT report_templates_period_kind_known CHECK (period_kind IN ('trading_day', 'week', 'month')),
  CONSTRAINT report_templates_formats_known CHECK (
    cardinality(formats) >= 1 AND formats <@ '{pdf,html,csv,xlsx,json}'::text[]),
  CONSTRAINT report_templates_timezone_known CHECK (
    (timestamp '2000-01-01' AT TIME ZONE schedule_timezone) IS NOT NULL),
  CONSTRAINT report_templates_cache_ttl_not_negative CHECK (cache_ttl >= interval '0'),
  CONSTRAINT report_templates_status_known CHECK (status IN ('draft', 'active', 'retired')),
  CONSTRAINT report_templates_status_times CHECK (
    (status = 'draft' AND activated_at IS NULL AND retired_at IS NULL)
    OR (status = 'active' AND activated_at IS NOT NULL AND retired_at IS NULL)
    OR (status = 'retired' AND retired_at IS NOT NULL))
);
CREATE UNIQUE INDEX report_templates_one_active_key
  ON reporting.report_templates (organization_id, template_key) WHERE status = 'active';
COMMENT ON TABLE reporting.report_templates IS
  'Report definitions, one row per version of a key within an organization. A draft''s sections may change; an active version is immutable (55000 on change), and activating a later version of the key retires it: at most one active version per key. Sections: reporting.report_sections; who changed what: reporting.report_template_changes.';
COMMENT ON COLUMN reporting.report_templates.period_kind IS
  'What a scheduled run reports on: trading_day = the last trading day complete at the run''s time, week = the last Monday-Sunday of trading days, month = the last calendar month of trading days.';
COMMENT ON COLUMN reporting.report_templates.formats IS
  'The output formats this template may be rendered in (pdf, html, csv, xlsx, json); a request may ask for a subset.';
COMMENT ON COLUMN reporting.report_templates.schedule_cron IS
  'Default schedule (five cron fields on the schedule_timezone clock) of subscriptions that set none; NULL = on request only.';
COMMENT ON COLUMN reporting.report_templates.cache_ttl IS
  'The same request (template version, scope, period, formats) within this time of a snapshot, with no data re-aggregated since, reuses it and counts a cache hit.';
COMMENT ON COLUMN reporting.report_templates.skip_when_empty IS
  'When the period has no trading activity, the generation is recorded as skipped with the reason instead of producing an empty report.';

CREATE TABLE reporting.report_template_changes (
  organization_id uuid NOT NULL,
  change_id       bigint GENERATED ALWAYS AS IDENTITY,
  template_id     bigint NOT NULL,
  template_key    text NOT NULL,
  version         integer NOT NULL,
  action          text NOT NULL,
  changed_by      text NOT NULL,
  changed_at      timestamptz NOT NULL DEFAULT now(),
  note            text,
  PRIMARY KEY (organization_id, change_id),
  FOREIGN KEY (organization_id, template_id) REFERENCES reporting.report_templates ON DELETE CASCADE,
  CONSTRAINT report_template_changes_action_known CHECK (action IN ('created', 'activated', 'retired'))
);
CREATE INDEX report_template_changes_key_idx
  ON reporting.report_template_changes (organization_id, template_key, changed_at);
COMMENT ON TABLE reporting.report_template_changes IS
  'History of template versions: created, activated, retired, with who did it (the signed-in user, else the database role) and when. Written by triggers; a version that goes live is never deleted, so its history stays (a draft deleted before it went live takes its own rows with it).';

CREATE TABLE reporting.report_sections (
  organization_id uuid NOT NULL,
  template_id     bigint NOT NULL,
  position        smallint NOT NULL,
  section_key     text NOT NULL,
  title           text NOT NULL,
  section_type    text NOT NULL,
  query_config    jsonb NOT NULL,
  dataset         text GENERATED ALWAYS AS (query_config ->> 'dataset') STORED,
  display_config  jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (organization_id, template_id, position),
  CONSTRAINT report_sections_key_unique UNIQUE (organization_id, template_id, section_key),
  FOREIGN KEY (organization_id, template_id) REFERENCES reporting.report_templates ON DELETE CASCADE,
  CONSTRAINT report_sections_position_positive CHECK (position >= 1),
  CONSTRAINT report_sections_key_format CHECK (section_key ~ '^[a-z][a-z0-9_]{1,62}$'),
  CONSTRAINT report_sections_title_present CHECK (btrim(title) <> ''),
  CONSTRAINT report_sections_type_known CHECK (section_type IN ('summary', 'metrics', 'table', 'chart')),
  CONSTRAINT report_sections_display_config_object CHECK (jsonb_typeof(display_config) = 'object')
);
COMMENT ON TABLE reporting.report_sections IS
  'The building blocks of a template version, in position order: summary, metrics (KPI tiles), table or chart, each fed by a named dataset (query_config = {"dataset": ..., "parameters": {...}}, checked against internal.report_datasets() as it is written; 22023 otherwise). No section carries SQL.';
COMMENT ON COLUMN reporting.report_sections.dataset IS 'The dataset named by query_config (kept from it).';
COMMENT ON COLUMN reporting.report_sections.display_config IS
  'How the renderer lays the section out (chart kind, column labels, highlight rules); the numbers never come from here.';

CREATE TABLE reporting.report_recipients (
  organization_id      uuid NOT NULL REFERENCES venue.organizations,
  recipient_id         bigint GENERATED BY DEFAULT AS IDENTITY,
  name                 text NOT NULL,
  email                text,
  role                 text NOT NULL,
  preferred_channels   text[] NOT NULL DEFAULT '{email}',
  preferred_formats    text[] NOT NULL DEFAULT '{pdf}',
  timezone             text NOT NULL DEFAULT 'Europe/London',
  webhook_url          text,
  slack_webhook_url    text,
  consent_given_at     timestamptz,
  consent_withdrawn_at timestamptz,
  verified_at          timestamptz,
  bounce_count         integer NOT NULL DEFAULT 0,
  suppressed_at        timestamptz,
  suppression_reason   text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, recipient_id),
  CONSTRAINT report_recipients_name_present CHECK (btrim(name) <> ''),
  CONSTRAINT report_recipients_email_shape CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  CONSTRAINT report_recipients_role_known CHECK (role IN ('owner', 'manager', 'events', 'finance', 'staff')),
  CONSTRAINT report_recipients_channels_known CHECK (
    preferred_channels <@ '{email,dashboard,webhook,slack,sms,api}'::text[]),
  CONSTRAINT report_recipients_formats_known CHECK (preferred_formats <@ '{pdf,html,csv,xlsx,json}'::text[]),
  CONSTRAINT report_recipients_timezone_known CHECK ((timestamp '2000-01-01' AT TIME ZONE timezone) IS NOT NULL),
  CONSTRAINT report_recipients_email_channel_has_email CHECK (NOT ('email' = ANY (preferred_channels)) OR email IS NOT NULL),
  CONSTRAINT report_recipients_withdrawal_after_consent CHECK (
    consent_withdrawn_at IS NULL OR (consent_given_at IS NOT NULL AND consent_withdrawn_at >= consent_given_at)),
  CONSTRAINT report_recipients_bounce_count_not_negative CHECK (bounce_count >= 0),
  CONSTRAINT report_recipients_suppression_has_reason CHECK ((suppressed_at IS NULL) = (suppression_reason IS NULL))
);
CREATE UNIQUE INDEX report_recipients_email_key ON reporting.report_recipients (organization_id, lower(email))
  WHERE email IS NOT NULL;
COMMENT ON TABLE reporting.report_recipients IS
  'People (and systems) reports go to: role, preferred channels and formats, time zone, GDPR consent (given / withdrawn, with times), email verification, bounces and suppression. Deliveries go only to recipients with consent not withdrawn and not suppressed.';
COMMENT ON COLUMN reporting.report_recipients.consent_given_at IS
  'When the recipient agreed to receive reports (GDPR proof of consent); withdrawn_at ends it.';

CREATE TABLE reporting.report_subscriptions (
  organization_id   uuid NOT NULL,
  subscription_id   bigint GENERATED BY DEFAULT AS IDENTITY,
  recipient_id      bigint NOT NULL,
  template_id       bigint NOT NULL,
  template_key      text NOT NULL,
  cron_expression   text,
  timezone          text,
  filters           jsonb NOT NULL DEFAULT '{}',
  delivery_channels text[] NOT NULL DEFAULT '{email}',
  formats           text[],
  is_paused         boolean NOT NULL DEFAULT false,
  paused_at         timestamptz,
  resumed_at        timestamptz,
  job_id            bigint,
  next_delivery_at  timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, subscription_id),
  FOREIGN KEY (organization_id, recipient_id) REFERENCES reporting.report_recipients ON DELETE CASCADE,
  FOREIGN KEY (organization_id, template_id) REFERENCES reporting.report_templates,
  CONSTRAINT report_subscriptions_once UNIQUE (organization_id, recipient_id, template_key, filters),
  CONSTRAINT report_subscriptions_channels_known CHECK (
    cardinality(delivery_channels) >= 1
    AND delivery_channels <@ '{email,dashboard,webhook,slack,sms,api}'::text[]),
  CONSTRAINT report_subscriptions_formats_known CHECK (formats IS NULL OR formats <@ '{pdf,html,csv,xlsx,json}'::text[]),
  CONSTRAINT report_subscriptions_timezone_known CHECK (
    timezone IS NULL OR (timestamp '2000-01-01' AT TIME ZONE timezone) IS NOT NULL),
  CONSTRAINT report_subscriptions_filters_object CHECK (jsonb_typeof(filters) = 'object'),
  CONSTRAINT report_subscriptions_paused_has_time CHECK (NOT is_paused OR paused_at IS NOT NULL)
);
CREATE INDEX report_subscriptions_job_idx ON reporting.report_subscriptions (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX report_subscriptions_template_idx ON reporting.report_subscriptions (organization_id, template_key);
COMMENT ON TABLE reporting.report_subscriptions IS
  'A recipient''s subscription to a template key (it follows the key''s active version): its own schedule (cron_expression, timezone) or the template''s, filters (e.g. {"venue_id": 3}), channels and formats, pause / resume. organization_id and template_key are taken from the recipient and template when not given, so INSERT (recipient_id, template_id, delivery_channels) works. Each subscription is served by a report job in reporting.scheduled_jobs (job_id), shared by every subscription with the same schedule and filters.';
COMMENT ON COLUMN reporting.report_subscriptions.next_delivery_at IS
  'When the serving job next runs: set as the subscription is written and after each of the job''s runs.';

CREATE TABLE reporting.report_generation_history (
  organization_id        uuid NOT NULL REFERENCES venue.organizations,
  generation_id          bigint GENERATED ALWAYS AS IDENTITY,
  template_id            bigint NOT NULL,
  template_key           text NOT NULL,
  template_version       integer NOT NULL,
  venue_id               bigint,
  filters                jsonb NOT NULL DEFAULT '{}',
  period_start           date NOT NULL,
  period_end             date NOT NULL,
  timezone               text NOT NULL,
  formats                text[] NOT NULL,
  priority               text NOT NULL DEFAULT 'normal',
  status                 text NOT NULL DEFAULT 'queued',
  request_key            text NOT NULL,
  data_version           bigint,
  job_id                 bigint,
  run_id                 bigint,
  snapshot               jsonb,
  summary                jsonb NOT NULL DEFAULT '{}',
  warnings               jsonb NOT NULL DEFAULT '[]',
  data_rows              integer,
  snapshot_bytes         integer,
  skip_reason            text,
  error_sqlstate         text,
  error_message          text,
  is_stale               boolean NOT NULL DEFAULT false,
  stale_reason           text,
  reissue_of             bigint,
  cache_hits             integer NOT NULL DEFAULT 0,
  last_cache_hit_at      timestamptz,
  requested_by           text NOT NULL,
  requested_at           timestamptz NOT NULL DEFAULT now(),
  data_ready_at          timestamptz,
  generation_ms          numeric(12,3),
  render_started_at      timestamptz,
  completed_at           timestamptz,
  failed_at              timestamptz,
  files                  jsonb NOT NULL DEFAULT '[]',
  render_ms              jsonb NOT NULL DEFAULT '{}',
  expires_at             timestamptz,
  PRIMARY KEY (organization_id, generation_id),
  FOREIGN KEY (organization_id, template_id) REFERENCES reporting.report_templates,
  FOREIGN KEY (organization_id, venue_id) REFERENCES venue.venues,
  CONSTRAINT report_generation_history_period_ordered CHECK (period_end >= period_start),
  CONSTRAINT report_generation_history_status_known CHECK (
    status IN ('queued', 'data_ready', 'rendering', 'completed', 'failed', 'skipped')),
  CONSTRAINT report_generation_history_priority_known CHECK (priority IN ('low', 'normal', 'high', 'critical')),
  CONSTRAINT report_generation_history_formats_known CHECK (
    cardinality(formats) >= 1 AND formats <@ '{pdf,html,csv,xlsx,json}'::text[]),
  CONSTRAINT report_generation_history_snapshot_when_ready CHECK (
    status NOT IN ('data_ready', 'rendering', 'completed') OR snapshot IS NOT NULL),
  CONSTRAINT report_generation_history_skip_has_reason CHECK ((status = 'skipped') = (skip_reason IS NOT NULL)),
  CONSTRAINT report_generation_history_failure_has_error CHECK (status <> 'failed' OR error_message IS NOT NULL),
  CONSTRAINT report_generation_history_stale_has_reason CHECK (NOT is_stale OR (stale_reason IS NOT NULL AND reissue_of IS NOT NULL))
);
CREATE INDEX report_generation_history_request_idx
  ON reporting.report_generation_history (organization_id, request_key, requested_at DESC);
CREATE INDEX report_generation_history_scope_idx
  ON reporting.report_generation_history (organization_id, template_key, period_end DESC)
  WHERE status IN ('data_ready', 'rendering', 'completed');
CREATE INDEX report_generation_history_render_queue_idx
  ON reporting.report_generation_history (priority, requested_at)
  WHERE status = 'data_ready';
COMMENT ON TABLE reporting.report_generation_history IS
  'Every report generated: its template version, scope (venue / filters), period, requested formats, the JSONB snapshot of every section (written by api.generate_report), warnings, durations, data volume, and its life queued -> data_ready -> rendering -> completed, or failed / skipped with the reason. A stale row re-issues an earlier snapshot after a generation failed for good (reissue_of, stale_reason).';
COMMENT ON COLUMN reporting.report_generation_history.request_key IS
  'What makes two requests the same: template version, scope, period and formats (md5 of them). Within the template''s cache_ttl and with the same data_version, a repeated request reuses the row and counts a cache hit.';
COMMENT ON COLUMN reporting.report_generation_history.data_version IS
  'The organization''s aggregation version (internal.organization_data_versions) the snapshot was computed at: a later re-aggregation makes it unfit for reuse.';
COMMENT ON COLUMN reporting.report_generation_history.files IS
  'Per rendered file: format, path or URI, bytes, sha256, pages (written by the renderer, Step 5).';

-- daily_report and weekly_report were seeded disabled as placeholders (0009).
-- Reports are now scheduled per organization by their subscriptions: one
-- report job per template key, schedule and filters (internal.sync_report_jobs),
-- so the placeholders go, with their dependencies, if they never ran.
DELETE FROM reporting.scheduled_jobs j
 WHERE j.organization_id IS NULL AND j.name IN ('daily_report', 'weekly_report') AND NOT j.enabled
   AND NOT EXISTS (SELECT FROM reporting.job_runs r WHERE r.job_id = j.job_id);
COMMENT ON TABLE reporting.scheduled_jobs IS
  'What runs when: a cron expression read on the wall clock of timezone. A NULL organization_id is a system job. api.tick enqueues each due occurrence into reporting.job_runs once and moves next_run_at on. The system jobs seeded by db/cron/system_jobs.sql are seed 001''s maintenance calendar (Europe/London); report jobs (job_type report, named report:<template key>...) are made per organization from its report subscriptions.';

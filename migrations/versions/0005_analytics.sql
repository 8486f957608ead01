-- 0005: event performance, customer analytics and data-quality findings.

CREATE TABLE reporting.event_performance_analytics (
  organization_id        uuid NOT NULL,
  event_id               bigint NOT NULL,
  venue_id               bigint NOT NULL,
  series                 text,
  business_date          date NOT NULL,
  starts_at              timestamptz NOT NULL,
  capacity               integer NOT NULL,
  attendance             integer NOT NULL DEFAULT 0,
  peak_occupancy         integer NOT NULL DEFAULT 0,
  occupancy_rate         numeric(6,4) NOT NULL DEFAULT 0,
  bookings_total         integer NOT NULL DEFAULT 0,
  bookings_no_show       integer NOT NULL DEFAULT 0,
  no_show_rate           numeric(6,4),
  gross_revenue          numeric(12,2) NOT NULL DEFAULT 0,
  bar_revenue            numeric(12,2) NOT NULL DEFAULT 0,
  table_revenue          numeric(12,2) NOT NULL DEFAULT 0,
  ticket_revenue         numeric(12,2) NOT NULL DEFAULT 0,
  feedback_count         integer NOT NULL DEFAULT 0,
  average_rating         numeric(3,2),
  previous_event_id      bigint,
  previous_attendance    integer,
  previous_gross_revenue numeric(12,2),
  series_4wk_attendance  numeric(10,2),
  series_4wk_revenue     numeric(12,2),
  computed_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, event_id),
  FOREIGN KEY (organization_id, event_id) REFERENCES venue.events ON DELETE CASCADE,
  FOREIGN KEY (organization_id, venue_id) REFERENCES venue.venues
);
CREATE INDEX event_performance_analytics_series_idx
  ON reporting.event_performance_analytics (organization_id, venue_id, series, starts_at);
COMMENT ON TABLE reporting.event_performance_analytics IS
  'One row per event occurrence: attendance, occupancy, revenue by kind, no-shows and rating, with the previous occurrence of the same series at the venue and the average of its previous four. Rebuilt with the venue-day''s aggregation.';

CREATE TABLE internal.organization_secrets (
  organization_id uuid PRIMARY KEY REFERENCES venue.organizations ON DELETE CASCADE,
  analytics_salt  bytea NOT NULL
    DEFAULT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex')
);
COMMENT ON TABLE internal.organization_secrets IS
  'Per-organization salt for pseudonymous customer keys: without it a key cannot be traced back to a customer id. 32 bytes from gen_random_uuid(), which draws on the server''s strong random source (random() does not).';

CREATE TABLE reporting.customer_analytics (
  organization_id      uuid NOT NULL,
  customer_key         text NOT NULL,
  is_vip               boolean NOT NULL DEFAULT false,
  bookings_total       integer NOT NULL DEFAULT 0,
  visits               integer NOT NULL DEFAULT 0,
  cancellations        integer NOT NULL DEFAULT 0,
  no_shows             integer NOT NULL DEFAULT 0,
  first_visit          date,
  last_visit           date,
  recency_days         integer,
  frequency_365d       integer NOT NULL DEFAULT 0,
  monetary_365d        numeric(12,2) NOT NULL DEFAULT 0,
  lifetime_value       numeric(12,2) NOT NULL DEFAULT 0,
  recency_score        smallint,
  frequency_score      smallint,
  monetary_score       smallint,
  loyalty_score        numeric(5,2),
  churn_probability    numeric(5,4),
  preferred_night      text,
  birthdays            integer NOT NULL DEFAULT 0,
  anniversaries        integer NOT NULL DEFAULT 0,
  computed_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, customer_key),
  FOREIGN KEY (organization_id) REFERENCES venue.organizations,
  CONSTRAINT customer_analytics_scores_range CHECK (
    coalesce(recency_score, 1) BETWEEN 1 AND 5 AND coalesce(frequency_score, 1) BETWEEN 1 AND 5
    AND coalesce(monetary_score, 1) BETWEEN 1 AND 5),
  CONSTRAINT customer_analytics_churn_is_probability CHECK (churn_probability IS NULL OR churn_probability BETWEEN 0 AND 1)
);
COMMENT ON TABLE reporting.customer_analytics IS
  'Behaviour of each customer under a pseudonymous key (no name, email, phone or id): visits, RFM scores, lifetime value, loyalty, churn probability, preferred night, occasions.';

CREATE TABLE reporting.data_quality_findings (
  organization_id uuid NOT NULL,
  finding_id      bigint GENERATED ALWAYS AS IDENTITY,
  venue_id        bigint NOT NULL,
  business_date   date NOT NULL,
  check_code      text NOT NULL,
  severity        text NOT NULL,
  subject         text,
  details         jsonb NOT NULL DEFAULT '{}',
  found_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, finding_id),
  FOREIGN KEY (organization_id, venue_id) REFERENCES venue.venues,
  CONSTRAINT data_quality_findings_severity_known CHECK (severity IN ('info', 'warning', 'error')),
  CONSTRAINT data_quality_findings_kind_known CHECK (check_code ~ '^(validation|completeness|anomaly)\.[a-z_]+$')
);
CREATE INDEX data_quality_findings_day_idx
  ON reporting.data_quality_findings (organization_id, venue_id, business_date);
COMMENT ON TABLE reporting.data_quality_findings IS
  'What the data-quality checks found for a venue-day (validation.*, completeness.*, anomaly.*), replaced each time the day is re-aggregated; reports read it to warn their readers.';

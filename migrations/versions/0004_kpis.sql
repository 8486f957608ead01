-- 0004: KPI definitions and calculations, and the metrics cache.

CREATE TABLE reporting.kpi_definitions (
  organization_id    uuid NOT NULL REFERENCES venue.organizations,
  code               text NOT NULL,
  name               text NOT NULL,
  category           text NOT NULL,
  unit               text NOT NULL,
  direction          text NOT NULL,
  target             numeric(14,4) NOT NULL,
  warning_threshold  numeric(14,4) NOT NULL,
  critical_threshold numeric(14,4) NOT NULL,
  is_realtime        boolean NOT NULL DEFAULT false,
  cache_ttl          interval NOT NULL DEFAULT interval '30 minutes',
  is_enabled         boolean NOT NULL DEFAULT true,
  description        text,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, code),
  CONSTRAINT kpi_definitions_code_format CHECK (code ~ '^[a-z][a-z0-9_]{1,62}$'),
  CONSTRAINT kpi_definitions_category_known CHECK (category IN ('revenue', 'bookings', 'customers', 'operations')),
  CONSTRAINT kpi_definitions_unit_known CHECK (unit IN ('currency', 'ratio', 'count', 'rating', 'people')),
  CONSTRAINT kpi_definitions_direction_known CHECK (direction IN ('higher_better', 'lower_better')),
  CONSTRAINT kpi_definitions_thresholds_ordered CHECK (
    CASE direction
      WHEN 'higher_better' THEN target >= warning_threshold AND warning_threshold >= critical_threshold
      ELSE target <= warning_threshold AND warning_threshold <= critical_threshold
    END),
  CONSTRAINT kpi_definitions_cache_ttl_positive CHECK (cache_ttl > interval '0')
);
COMMENT ON TABLE reporting.kpi_definitions IS
  'The KPIs an organization tracks, with its own target and thresholds. Status of a value: on_target when at or better than warning_threshold, warning when between the thresholds, critical when worse than critical_threshold; target is the goal reports measure attainment against. Seeded from internal.kpi_catalog() for every organization.';
COMMENT ON CONSTRAINT kpi_definitions_thresholds_ordered ON reporting.kpi_definitions IS
  'Thresholds must lie between the target and failure: for higher_better target >= warning >= critical, mirrored for lower_better.';

CREATE TABLE reporting.kpi_calculations (
  organization_id   uuid NOT NULL,
  kpi_calculation_id bigint GENERATED ALWAYS AS IDENTITY,
  code              text NOT NULL,
  venue_id          bigint,
  period_start      date NOT NULL,
  period_end        date NOT NULL,
  value             numeric(16,4),
  target            numeric(14,4),
  attainment        numeric(10,4),
  status            text,
  week_ago_value    numeric(16,4),
  month_ago_value   numeric(16,4),
  year_ago_value    numeric(16,4),
  days              integer NOT NULL,
  day_min           numeric(16,4),
  day_max           numeric(16,4),
  day_avg           numeric(16,4),
  day_stddev        numeric(16,4),
  calculated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, kpi_calculation_id),
  FOREIGN KEY (organization_id, code) REFERENCES reporting.kpi_definitions,
  FOREIGN KEY (organization_id, venue_id) REFERENCES venue.venues,
  CONSTRAINT kpi_calculations_period_ordered CHECK (period_end >= period_start),
  CONSTRAINT kpi_calculations_status_known CHECK (status IS NULL OR status IN ('on_target', 'warning', 'critical'))
);
CREATE UNIQUE INDEX kpi_calculations_period_key
  ON reporting.kpi_calculations (organization_id, code, coalesce(venue_id, 0), period_start, period_end);
COMMENT ON TABLE reporting.kpi_calculations IS
  'A KPI''s value for a period (one venue, or venue_id NULL for all of the organization''s), with the same period a week, a month and 364 days earlier (same weekdays), the spread of its daily values, and its status. Recalculating a period replaces its row.';

CREATE TABLE reporting.report_metrics_cache (
  organization_id uuid NOT NULL REFERENCES venue.organizations,
  cache_key       text NOT NULL,
  period_start    date,
  period_end      date,
  value           jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (organization_id, cache_key),
  CONSTRAINT report_metrics_cache_expiry_after_creation CHECK (expires_at > created_at)
);
CREATE INDEX report_metrics_cache_expires_idx ON reporting.report_metrics_cache (expires_at);
COMMENT ON TABLE reporting.report_metrics_cache IS
  'Cached results of expensive calculations (cached KPIs, report datasets), each with its own expiry. Entries whose period touches re-aggregated days are dropped by the aggregation; expired ones by api.clear_metrics_cache().';

CREATE TABLE internal.organization_data_versions (
  organization_id uuid PRIMARY KEY REFERENCES venue.organizations ON DELETE CASCADE,
  version         bigint NOT NULL DEFAULT 1,
  changed_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE internal.organization_data_versions IS
  'Bumped by every aggregation of an organization''s days. Cache keys carry the version they were computed at, so a value computed from data that was re-aggregated meanwhile is never served, whatever the order of commits.';

-- 0003: hourly and daily rollups, and the queue of venue-days to re-aggregate.
-- Definitions (DESIGN.md): revenue and refunds by the business_date of paid_at,
-- bookings by the business_date of arrives_at, occupancy from check-ins.

CREATE TABLE reporting.hourly_aggregations (
  organization_id      uuid NOT NULL,
  venue_id             bigint NOT NULL,
  hour_start           timestamptz NOT NULL,
  business_date        date NOT NULL,
  local_hour           smallint NOT NULL,
  bookings_total       integer NOT NULL DEFAULT 0,
  bookings_pending     integer NOT NULL DEFAULT 0,
  bookings_confirmed   integer NOT NULL DEFAULT 0,
  bookings_cancelled   integer NOT NULL DEFAULT 0,
  bookings_no_show     integer NOT NULL DEFAULT 0,
  bookings_completed   integer NOT NULL DEFAULT 0,
  covers               integer NOT NULL DEFAULT 0,
  birthdays            integer NOT NULL DEFAULT 0,
  anniversaries        integer NOT NULL DEFAULT 0,
  gross_revenue        numeric(12,2) NOT NULL DEFAULT 0,
  refunds              numeric(12,2) NOT NULL DEFAULT 0,
  net_revenue          numeric(12,2) NOT NULL DEFAULT 0,
  deposits             numeric(12,2) NOT NULL DEFAULT 0,
  bar_revenue          numeric(12,2) NOT NULL DEFAULT 0,
  table_revenue        numeric(12,2) NOT NULL DEFAULT 0,
  ticket_revenue       numeric(12,2) NOT NULL DEFAULT 0,
  payments_succeeded   integer NOT NULL DEFAULT 0,
  payments_failed      integer NOT NULL DEFAULT 0,
  check_ins            integer NOT NULL DEFAULT 0,
  check_outs           integer NOT NULL DEFAULT 0,
  occupancy_end        integer NOT NULL DEFAULT 0,
  peak_occupancy       integer NOT NULL DEFAULT 0,
  feedback_count       integer NOT NULL DEFAULT 0,
  rating_sum           integer NOT NULL DEFAULT 0,
  computed_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, venue_id, hour_start),
  FOREIGN KEY (organization_id, venue_id) REFERENCES venue.venues,
  CONSTRAINT hourly_aggregations_local_hour_range CHECK (local_hour BETWEEN 0 AND 23),
  CONSTRAINT hourly_aggregations_net_is_gross_less_refunds CHECK (net_revenue = gross_revenue - refunds)
);
CREATE INDEX hourly_aggregations_day_idx ON reporting.hourly_aggregations (organization_id, venue_id, business_date);
COMMENT ON TABLE reporting.hourly_aggregations IS
  'One row per venue and clock hour that had any activity; hour_start is the instant the venue''s local hour began (internal.hour_bucket). local_hour is that clock hour, so the autumn change gives two rows with local_hour 1 and the day still adds up. Rebuilt from the facts by api.process_hourly_aggregations.';
COMMENT ON COLUMN reporting.hourly_aggregations.covers IS 'Guests of bookings confirmed or completed (party_size), by arrival hour.';
COMMENT ON COLUMN reporting.hourly_aggregations.occupancy_end IS 'People inside at the end of the hour: check-ins minus check-outs since the trading day began.';
COMMENT ON COLUMN reporting.hourly_aggregations.peak_occupancy IS 'Most people inside at any moment of the hour, counted from the start of the trading day.';

CREATE TABLE reporting.daily_aggregations (
  organization_id      uuid NOT NULL,
  venue_id             bigint NOT NULL,
  business_date        date NOT NULL,
  bookings_total       integer NOT NULL DEFAULT 0,
  bookings_pending     integer NOT NULL DEFAULT 0,
  bookings_confirmed   integer NOT NULL DEFAULT 0,
  bookings_cancelled   integer NOT NULL DEFAULT 0,
  bookings_no_show     integer NOT NULL DEFAULT 0,
  bookings_completed   integer NOT NULL DEFAULT 0,
  covers               integer NOT NULL DEFAULT 0,
  parties              integer NOT NULL DEFAULT 0,
  party_size_sum       integer NOT NULL DEFAULT 0,
  average_party_size   numeric(6,2),
  birthdays            integer NOT NULL DEFAULT 0,
  anniversaries        integer NOT NULL DEFAULT 0,
  gross_revenue        numeric(12,2) NOT NULL DEFAULT 0,
  refunds              numeric(12,2) NOT NULL DEFAULT 0,
  net_revenue          numeric(12,2) NOT NULL DEFAULT 0,
  deposits             numeric(12,2) NOT NULL DEFAULT 0,
  bar_revenue          numeric(12,2) NOT NULL DEFAULT 0,
  table_revenue        numeric(12,2) NOT NULL DEFAULT 0,
  ticket_revenue       numeric(12,2) NOT NULL DEFAULT 0,
  payments_succeeded   integer NOT NULL DEFAULT 0,
  payments_failed      integer NOT NULL DEFAULT 0,
  customers_new        integer NOT NULL DEFAULT 0,
  customers_returning  integer NOT NULL DEFAULT 0,
  customers_vip        integer NOT NULL DEFAULT 0,
  check_ins            integer NOT NULL DEFAULT 0,
  check_outs           integer NOT NULL DEFAULT 0,
  peak_occupancy       integer NOT NULL DEFAULT 0,
  occupancy_rate       numeric(6,4) NOT NULL DEFAULT 0,
  peak_hour            smallint,
  tables_used          integer NOT NULL DEFAULT 0,
  table_turnover       numeric(6,2) NOT NULL DEFAULT 0,
  feedback_count       integer NOT NULL DEFAULT 0,
  rating_sum           integer NOT NULL DEFAULT 0,
  average_rating       numeric(3,2),
  computed_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, venue_id, business_date),
  FOREIGN KEY (organization_id, venue_id) REFERENCES venue.venues,
  CONSTRAINT daily_aggregations_net_is_gross_less_refunds CHECK (net_revenue = gross_revenue - refunds),
  CONSTRAINT daily_aggregations_peak_hour_range CHECK (peak_hour IS NULL OR peak_hour BETWEEN 0 AND 23)
);
CREATE INDEX daily_aggregations_date_idx ON reporting.daily_aggregations (organization_id, business_date);
COMMENT ON TABLE reporting.daily_aggregations IS
  'One row per venue and trading day (business_date, in the venue''s time zone from its trading_day_starts) that had any activity: the primary source of the daily report.';
COMMENT ON COLUMN reporting.daily_aggregations.covers IS 'Guests of bookings confirmed or completed (sum of party_size).';
COMMENT ON COLUMN reporting.daily_aggregations.parties IS 'Bookings not cancelled (the parties expected or served).';
COMMENT ON COLUMN reporting.daily_aggregations.average_party_size IS 'party_size_sum / parties; NULL without such bookings.';
COMMENT ON COLUMN reporting.daily_aggregations.customers_new IS 'Customers with a booking this day whose first booking ever (by arrives_at) is this day''s.';
COMMENT ON COLUMN reporting.daily_aggregations.customers_returning IS 'Customers with a booking this day who had booked before.';
COMMENT ON COLUMN reporting.daily_aggregations.customers_vip IS 'Distinct VIP customers with a booking this day.';
COMMENT ON COLUMN reporting.daily_aggregations.occupancy_rate IS 'peak_occupancy / venue capacity.';
COMMENT ON COLUMN reporting.daily_aggregations.peak_hour IS 'The venue''s local clock hour in which occupancy peaked (the first such hour).';
COMMENT ON COLUMN reporting.daily_aggregations.table_turnover IS 'Table bookings not cancelled / active tables of the venue: how many parties a table served.';

CREATE TABLE internal.aggregation_queue (
  queue_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL,
  venue_id        bigint NOT NULL,
  business_date   date NOT NULL,
  queued_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE internal.aggregation_queue IS
  'Venue-days whose facts changed, written by statement triggers in the same transaction as the change, so a transaction that commits late is still counted. Every mark is a new row: processing deletes exactly the rows it took, and a mark made meanwhile stays for the next run.';

-- Facts loaded before this revision: queue every venue-day they touch, so the
-- first api.process_hourly_aggregations() builds the history. The day may come
-- out one early or late where a clock change meets the day's start: that day
-- and its neighbours are queued, and each venue-day rebuild reads its own span.
INSERT INTO internal.aggregation_queue (organization_id, venue_id, business_date)
SELECT DISTINCT f.organization_id, f.venue_id, d.business_date
  FROM (SELECT organization_id, venue_id, arrives_at AS at FROM venue.bookings
        UNION ALL SELECT organization_id, venue_id, paid_at FROM venue.payments
        UNION ALL SELECT organization_id, venue_id, occurred_at FROM venue.check_ins
        UNION ALL SELECT organization_id, venue_id, submitted_at FROM venue.feedback) f
  JOIN venue.venues v USING (organization_id, venue_id)
 CROSS JOIN LATERAL (VALUES ((f.at AT TIME ZONE v.timezone)::date - 1),
                            ((f.at AT TIME ZONE v.timezone)::date)) AS d(business_date)
 ORDER BY 1, 2, 3;

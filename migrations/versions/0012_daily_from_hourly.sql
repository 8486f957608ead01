-- 0012: what a trading day needs that does not add up hour by hour, kept
-- where it does, so reporting.daily_aggregations is built from the hourly rows
-- and two small per-venue-day sets (seed 001: hourly → daily), never from the
-- facts again.

-- Bookings not cancelled, their guests and those with a table: additive per
-- hour, and what average_party_size and table_turnover are made of.
ALTER TABLE reporting.hourly_aggregations
  ADD COLUMN parties        integer NOT NULL DEFAULT 0,
  ADD COLUMN party_size_sum integer NOT NULL DEFAULT 0,
  ADD COLUMN table_bookings integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN reporting.hourly_aggregations.parties IS 'Bookings not cancelled, by arrival hour.';
COMMENT ON COLUMN reporting.hourly_aggregations.party_size_sum IS 'Guests (party_size) of bookings not cancelled, by arrival hour.';
COMMENT ON COLUMN reporting.hourly_aggregations.table_bookings IS 'Bookings not cancelled that hold a table, by arrival hour.';

-- Distinct customers per venue-day do not add up over hours (or days): the
-- set itself is kept, one row per customer and venue-day, with the customer's
-- earliest arrival that day and their first arrival ever (the earliest over
-- all their rows, kept up to date by the engine), which tells new from
-- returning without reading the bookings again.
-- No foreign keys (nor on the table set below): the rows are derived from
-- facts whose references are checked already, and the engine rewrites them
-- with their venue-day; a customer can only go once their bookings have, and
-- re-aggregating those days removes the customer's rows here.
CREATE TABLE reporting.daily_customer_visits (
  organization_id        uuid NOT NULL,
  venue_id               bigint NOT NULL,
  business_date          date NOT NULL,
  customer_id            bigint NOT NULL,
  first_arrival          timestamptz NOT NULL,
  customer_first_arrival timestamptz NOT NULL,
  PRIMARY KEY (organization_id, venue_id, business_date, customer_id),
  CONSTRAINT daily_customer_visits_first_ever_first CHECK (customer_first_arrival <= first_arrival)
);
CREATE INDEX daily_customer_visits_customer_idx
  ON reporting.daily_customer_visits (organization_id, customer_id);
COMMENT ON TABLE reporting.daily_customer_visits IS
  'The customers with a booking not cancelled on a venue''s trading day (business_date of arrives_at), one row each: what customers_new, customers_returning and customers_vip of reporting.daily_aggregations are counted from. Rewritten with its venue-day by the aggregation engine.';
COMMENT ON COLUMN reporting.daily_customer_visits.first_arrival IS
  'The customer''s earliest arrives_at at this venue that day.';
COMMENT ON COLUMN reporting.daily_customer_visits.customer_first_arrival IS
  'The customer''s first booking ever at any of the organization''s venues: the least first_arrival of all their rows, the same on each. New on this day when it is not before the day''s start.';

-- Distinct tables per venue-day, the same way (tables_used).
CREATE TABLE reporting.daily_table_use (
  organization_id uuid NOT NULL,
  venue_id        bigint NOT NULL,
  business_date   date NOT NULL,
  table_id        bigint NOT NULL,
  PRIMARY KEY (organization_id, venue_id, business_date, table_id)
);
COMMENT ON TABLE reporting.daily_table_use IS
  'The tables with a booking not cancelled on a venue''s trading day, one row each: tables_used of reporting.daily_aggregations. Rewritten with its venue-day by the aggregation engine.';

-- The VIPs among an organization's customers, few of many: the daily rollup
-- counts each day's VIPs against them.
CREATE INDEX customers_vip_idx ON venue.customers (organization_id, customer_id) WHERE is_vip;

-- Rollups made before this revision have neither the new hourly columns nor
-- the sets: queue every venue-day they cover, so the next
-- api.process_hourly_aggregations() rebuilds them from the facts.
INSERT INTO internal.aggregation_queue (organization_id, venue_id, business_date)
SELECT organization_id, venue_id, business_date
  FROM reporting.daily_aggregations
 ORDER BY 1, 2, 3;

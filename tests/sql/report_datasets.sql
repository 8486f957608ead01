-- Report datasets (internal.dataset_*): each dataset's key figures on a small
-- hand-made night, worked out by hand below, with the night a week earlier to
-- compare with, an empty day, a second venue of the same organization, and a
-- second organization (in euros) whose numbers must not leak in.
BEGIN;
SELECT plan(46);

-- Org A (GBP): Club A (capacity 100) and Bar A2. Org B (EUR): Club B.
INSERT INTO venue.organizations (organization_id, name, slug, currency) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 'Datasets A', 'datasets-a', 'GBP'),
  ('00000000-0000-4000-8000-0000000b7001', 'Datasets B', 'datasets-b', 'EUR');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 970001, 'Club A', 'club-a', 100),
  ('00000000-0000-4000-8000-0000000a7001', 970002, 'Bar A2', 'bar-a2', 50),
  ('00000000-0000-4000-8000-0000000b7001', 970003, 'Club B', 'club-b', 50);
INSERT INTO venue.customers (organization_id, customer_id, first_name, last_name, email, is_vip, erased_at) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 970001, 'Sarah', 'Kent', 'sarah@example.com', true, NULL),
  ('00000000-0000-4000-8000-0000000a7001', 970002, 'Tom', 'Lee', NULL, false, NULL),
  ('00000000-0000-4000-8000-0000000a7001', 970003, NULL, NULL, NULL, false, '2026-06-20 12:00+00'),
  ('00000000-0000-4000-8000-0000000a7001', 970004, 'Ann', 'moss', NULL, false, NULL),
  ('00000000-0000-4000-8000-0000000b7001', 970005, 'Bea', 'Other', NULL, false, NULL);
INSERT INTO venue.staff (organization_id, staff_id, venue_id, full_name, role) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 970001, 970001, 'Jo Bloggs', 'bartender'),
  ('00000000-0000-4000-8000-0000000a7001', 970002, 970001, 'Max Door', 'host');
-- LA FIESTA on Friday 2026-06-12 (BST) and its previous occurrence a week before.
INSERT INTO venue.events (organization_id, event_id, venue_id, series, name, starts_at, ends_at) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 970001, 970001, 'LA FIESTA', 'LA FIESTA', '2026-06-05 22:00 Europe/London', '2026-06-06 04:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970002, 970001, 'LA FIESTA', 'LA FIESTA', '2026-06-12 22:00 Europe/London', '2026-06-13 04:00 Europe/London');

-- Friday 2026-06-12 at Club A: 4 bookings (1 completed, 1 cancelled, 1 no-show,
-- 1 confirmed) for 7 covers; 3 parties not cancelled of 4, 6 and 3 guests.
-- Ann's earlier booking on 2026-06-05 makes her returning; Sarah and the
-- erased customer are new.
INSERT INTO venue.bookings (organization_id, booking_id, venue_id, customer_id, staff_id, party_size, status,
                            occasion, booked_at, arrives_at, cancelled_at) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 970000, 970001, 970004, NULL, 2, 'completed', 'none',
   '2026-06-01 12:00 Europe/London', '2026-06-05 22:00 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a7001', 970001, 970001, 970001, 970002, 4, 'completed', 'birthday',
   '2026-06-01 12:00 Europe/London', '2026-06-12 22:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a7001', 970002, 970001, 970002, NULL, 2, 'cancelled', 'none',
   '2026-06-10 12:00 Europe/London', '2026-06-12 23:00 Europe/London', '2026-06-11 12:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970003, 970001, 970004, 970002, 6, 'no_show', 'none',
   '2026-06-12 10:00 Europe/London', '2026-06-12 23:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000a7001', 970004, 970001, 970003, NULL, 3, 'confirmed', 'none',
   '2026-06-05 12:00 Europe/London', '2026-06-13 00:30 Europe/London', NULL),
  ('00000000-0000-4000-8000-0000000b7001', 970005, 970003, 970005, NULL, 2, 'completed', 'none',
   '2026-06-01 12:00 Europe/London', '2026-06-12 22:00 Europe/London', NULL);

-- Revenue of 2026-06-12 at Club A: bar 100 + table 300 + ticket 50 + deposit 25
-- = 475 gross, refund 10 (01:00 is still Friday's), net 465; the failed 40
-- does not count. A week earlier: bar 380. Bar A2 takes 200; Club B 999 euros.
INSERT INTO venue.payments (organization_id, venue_id, booking_id, customer_id, staff_id, kind, amount,
                            currency, provider, status, paid_at) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 970001, NULL, 970001, 970001, 'bar', 100.00, 'GBP', 'square', 'succeeded', '2026-06-12 23:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970001, 970001, NULL, 970001, 'table', 300.00, 'GBP', 'square', 'succeeded', '2026-06-12 23:30 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970001, NULL, 970004, NULL, 'ticket', 50.00, 'GBP', 'stripe', 'succeeded', '2026-06-12 22:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970001, NULL, 970003, 970002, 'deposit', 25.00, 'GBP', 'stripe', 'succeeded', '2026-06-12 20:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970001, NULL, 970001, NULL, 'refund', 10.00, 'GBP', 'stripe', 'succeeded', '2026-06-13 01:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970001, NULL, 970004, NULL, 'bar', 40.00, 'GBP', 'square', 'failed', '2026-06-12 23:45 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970001, NULL, NULL, NULL, 'bar', 380.00, 'GBP', 'cash', 'succeeded', '2026-06-05 23:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970002, NULL, NULL, NULL, 'bar', 200.00, 'GBP', 'cash', 'succeeded', '2026-06-12 22:00 Europe/London'),
  ('00000000-0000-4000-8000-0000000b7001', 970003, NULL, 970005, NULL, 'bar', 999.00, 'EUR', 'cash', 'succeeded', '2026-06-12 22:00 Europe/London');

-- People inside Club A: 4, 10 (peak, in the 23:00 hour), 7. A week earlier: 5.
INSERT INTO venue.check_ins (organization_id, venue_id, direction, method, people, occurred_at) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 970001, 'in', 'qr', 4, '2026-06-12 22:31 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970001, 'in', 'qr', 6, '2026-06-12 23:10 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970001, 'out', 'door', 3, '2026-06-13 01:20 Europe/London'),
  ('00000000-0000-4000-8000-0000000a7001', 970001, 'in', 'door', 5, '2026-06-05 22:10 Europe/London');

-- Shifts: Jo 20:00-03:00 less a 60-minute break = 6 h; Max 21:00-02:00 = 5 h.
INSERT INTO venue.shifts (organization_id, venue_id, staff_id, role, starts_at, ends_at, break_minutes) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 970001, 970001, 'bartender', '2026-06-12 20:00 Europe/London', '2026-06-13 03:00 Europe/London', 60),
  ('00000000-0000-4000-8000-0000000a7001', 970001, 970002, 'host', '2026-06-12 21:00 Europe/London', '2026-06-13 02:00 Europe/London', 0);

SELECT ok(api.process_hourly_aggregations() >= 3, 'the venue-days are aggregated');

-- Org A judges three KPIs, with thresholds that put this night on both sides.
UPDATE reporting.kpi_definitions SET is_enabled = code IN ('daily_revenue', 'average_spend_per_head', 'no_show_rate')
 WHERE organization_id = '00000000-0000-4000-8000-0000000a7001';
UPDATE reporting.kpi_definitions SET target = 500, warning_threshold = 450, critical_threshold = 300
 WHERE organization_id = '00000000-0000-4000-8000-0000000a7001' AND code = 'daily_revenue';
UPDATE reporting.kpi_definitions SET target = 0.2, warning_threshold = 0.3, critical_threshold = 0.4
 WHERE organization_id = '00000000-0000-4000-8000-0000000a7001' AND code = 'no_show_rate';
-- A data-quality finding of the night (the checks themselves are tested in data_quality.sql).
INSERT INTO reporting.data_quality_findings (organization_id, venue_id, business_date, check_code, severity) VALUES
  ('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', 'validation.refund_exceeds_payment', 'error');

-- The registry names a function for every dataset, and each exists.
SELECT is((SELECT count(*) FROM internal.report_datasets() d
            WHERE to_regprocedure(d.function_name || '(uuid, bigint, date, date, jsonb)') IS NOT NULL),
  11::bigint, 'every dataset of the registry has its function');
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE p.pronamespace = 'internal'::regnamespace AND p.proname LIKE 'dataset\_%' AND p.provolatile <> 's'),
  0::bigint, 'every dataset function is STABLE');

-- executive_summary
SELECT is(internal.dataset_executive_summary('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12',
                                             '{"compare": "week_ago"}') ->> 'headline',
  'Revenue £475, 25% above the same night last week; no-show rate at 33.3%, above the 30% warning threshold',
  'headline: 475 against 380 is +25%; 1 no-show of 3 due is over the 30% warning threshold');
SELECT is(internal.dataset_executive_summary('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12',
                                             '{"compare": "week_ago"}') -> 'highlights' -> 0,
  '{"label": "Gross revenue", "value": 475.00, "unit": "currency", "previous": 380.00, "change": 0.2500, "status": "on_target"}'::jsonb,
  'the revenue tile: 475 against 380, on target above the 450 warning threshold');
SELECT is(internal.dataset_executive_summary('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12',
                                             '{"compare": "week_ago"}') -> 'paragraphs' ->> 1,
  '4 bookings for 7 guests, 300% above the same night last week; 1 cancelled and 1 no-shows.',
  'bookings paragraph: 4 against 1, 7 covers (confirmed and completed)');
SELECT is(internal.dataset_executive_summary('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12',
                                             '{"compare": "year_ago"}') ->> 'headline',
  'Revenue £475, against nothing the same night last year; no-show rate at 33.3%, above the 30% warning threshold',
  'compare year_ago: nothing 364 days earlier');
SELECT is(internal.dataset_executive_summary('00000000-0000-4000-8000-0000000a7001', 970001, '2026-07-01', '2026-07-01',
                                             '{"compare": "week_ago"}') ->> 'headline',
  'No trading at Club A on Wednesday 1 July 2026', 'an empty night says there was no trading');
SELECT is((internal.dataset_executive_summary('00000000-0000-4000-8000-0000000a7001', NULL, '2026-06-12', '2026-06-12',
                                              '{"compare": "week_ago"}') -> 'highlights' -> 0 ->> 'value')::numeric,
  675.00, 'the organization: Club A 475 + Bar A2 200, Club B''s 999 left out');
SELECT matches(internal.dataset_executive_summary('00000000-0000-4000-8000-0000000b7001', NULL, '2026-06-12', '2026-06-12',
                                                  '{"compare": "week_ago"}') ->> 'headline',
  '^Revenue €999, against nothing the same night last week; ', 'org B is reported in euros, from its own numbers');

-- kpis
SELECT is((SELECT jsonb_agg(jsonb_build_array(m ->> 'code', m -> 'value', m -> 'previous', m ->> 'status'))
             FROM jsonb_array_elements(internal.dataset_kpis('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{"compare": "week_ago"}') -> 'metrics') m),
  '[["daily_revenue", 475.00, 380.00, "on_target"],
    ["average_spend_per_head", 47.50, 76.00, "on_target"],
    ["no_show_rate", 0.3333, 0.0000, "warning"]]'::jsonb,
  'enabled KPIs in catalog order: 475/1 day, 475/10 heads (380/5), 1 no-show of 3 due (0 of 1)');
SELECT is((SELECT jsonb_agg(m -> 'change')
             FROM jsonb_array_elements(internal.dataset_kpis('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{"compare": "week_ago"}') -> 'metrics') m),
  '[0.2500, -0.3750, null]'::jsonb, 'changes: +25%, (47.50 - 76) / 76, none from zero');
SELECT is((SELECT jsonb_agg(m ->> 'code')
             FROM jsonb_array_elements(internal.dataset_kpis('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{"codes": ["vip_share", "daily_revenue"], "compare": "year_ago"}') -> 'metrics') m),
  '["vip_share", "daily_revenue"]'::jsonb, 'codes given: those, in their order, disabled or not');
SELECT is(internal.dataset_kpis('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12',
                                '{"codes": ["vip_share"], "compare": "year_ago"}') -> 'metrics' -> 0 -> 'value',
  '0.3333'::jsonb, 'VIP share: Sarah of 3 customers');
SELECT is(internal.dataset_kpis('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12',
                                '{"compare": "year_ago"}') -> 'metrics' -> 0 -> 'previous',
  'null'::jsonb, 'year_ago: no value 364 days earlier');

-- bookings_by_hour
SELECT is((SELECT jsonb_agg(jsonb_build_array(r ->> 'hour_label', r -> 'bookings_total', r -> 'check_ins'))
             FROM jsonb_array_elements(internal.dataset_bookings_by_hour('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{}') -> 'rows') r),
  '[["22:00", 1, 4], ["23:00", 2, 6], ["00:00", 1, 0], ["01:00", 0, 0]]'::jsonb,
  'hours in trading-day order from 22:00 to the 01:00 check-out, the 20:00 deposit hour left out');
SELECT is((internal.dataset_bookings_by_hour('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12', '{}') -> 'totals')
          - '{hour_label,bookings_pending,bookings_confirmed,bookings_completed}'::text[],
  '{"bookings_total": 4, "bookings_cancelled": 1, "bookings_no_show": 1, "covers": 7, "check_ins": 10, "check_outs": 3, "peak_occupancy": 10}'::jsonb,
  'totals: 4 bookings, 7 covers, 10 in and 3 out, 10 inside at the peak');
SELECT is(internal.dataset_bookings_by_hour('00000000-0000-4000-8000-0000000a7001', 970001, '2026-07-01', '2026-07-01', '{}') -> 'rows',
  '[]'::jsonb, 'an empty night has no hours');

-- revenue_breakdown
SELECT is((SELECT jsonb_agg(jsonb_build_array(r ->> 'key', r -> 'amount', r -> 'share'))
             FROM jsonb_array_elements(internal.dataset_revenue_breakdown('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{}') -> 'rows') r),
  '[["bar", 100.00, 0.2105], ["table", 300.00, 0.6316], ["ticket", 50.00, 0.1053], ["deposit", 25.00, 0.0526],
    ["refunds", 10.00, 0.0211], ["net", 465.00, 0.9789]]'::jsonb,
  'each line and its share of the 475 gross');
SELECT is(internal.dataset_revenue_breakdown('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12', '{}') -> 'totals',
  '{"key": "gross", "component": "Gross revenue", "kind": "gross", "amount": 475.00, "share": 1.0000, "previous": 380.00, "change": 0.2500}'::jsonb,
  'gross 475 against 380 a week earlier');
SELECT is((internal.dataset_revenue_breakdown('00000000-0000-4000-8000-0000000a7001', NULL, '2026-06-12', '2026-06-12', '{}')
           -> 'totals' ->> 'amount')::numeric, 675.00, 'the organization: both its venues, not org B''s');
SELECT is((internal.dataset_revenue_breakdown('00000000-0000-4000-8000-0000000a7001', 970003, '2026-06-12', '2026-06-12', '{}')
           -> 'totals' ->> 'amount')::numeric, 0.00, 'another organization''s venue shows nothing');
SELECT is((internal.dataset_revenue_breakdown('00000000-0000-4000-8000-0000000a7001', 970001, '2026-07-01', '2026-07-01', '{}')
           -> 'totals' -> 'share'), 'null'::jsonb, 'an empty night: zero revenue, no share');

-- event_performance
SELECT is((SELECT jsonb_agg(jsonb_build_array(r ->> 'event', r -> 'attendance', r -> 'previous_attendance',
                                              r -> 'gross_revenue', r -> 'previous_gross_revenue', r -> 'revenue_change',
                                              r -> 'bookings_total', r -> 'bookings_no_show'))
             FROM jsonb_array_elements(internal.dataset_event_performance('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{"compare_series": false}') -> 'rows') r),
  '[["LA FIESTA", 10, 5, 450.00, 380.00, 0.1842, 4, 1]]'::jsonb,
  'LA FIESTA: 10 in against 5, 450 taken in its window (the 20:00 deposit is before it) against 380');
SELECT is(internal.dataset_event_performance('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12',
                                             '{"compare_series": true}') -> 'rows' -> 0 -> 'series_4wk_attendance',
  '5.00'::jsonb, 'with compare_series: the mean of the one earlier occurrence');
SELECT is(jsonb_array_length(internal.dataset_event_performance('00000000-0000-4000-8000-0000000a7001', 970002,
                                                                '2026-06-12', '2026-06-12', '{"compare_series": false}') -> 'rows'),
  0, 'Bar A2 had no event');

-- customer_patterns
SELECT is((SELECT jsonb_object_agg(m ->> 'code', m -> 'value')
             FROM jsonb_array_elements(internal.dataset_customer_patterns('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{}') -> 'metrics') m),
  '{"customers": 3, "customers_new": 2, "customers_returning": 1, "customers_vip": 1, "new_customer_share": 0.6667,
    "average_party_size": 4.33, "median_lead_time": 7.5}'::jsonb,
  'Sarah and the erased customer new, Ann returning, Sarah a VIP; parties of 4, 6, 3; lead times 0.5, 7.5, 11.4 days');
SELECT is((SELECT jsonb_object_agg(r ->> 'dimension' || ':' || (r ->> 'bucket'), r -> 'count')
             FROM jsonb_array_elements(internal.dataset_customer_patterns('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{}') -> 'rows') r
            WHERE (r ->> 'count')::int > 0),
  '{"customers:New": 2, "customers:Returning": 1, "party_size:3-4": 2, "party_size:5-6": 1,
    "lead_time:Same day": 1, "lead_time:7-13 days": 2, "occasion:Birthday": 1, "occasion:No occasion": 2,
    "night:Friday": 3}'::jsonb,
  'the buckets with bookings: the cancelled booking counted nowhere');
SELECT is(internal.dataset_customer_patterns('00000000-0000-4000-8000-0000000b7001', NULL, '2026-06-12', '2026-06-12', '{}')
          -> 'metrics' -> 0 -> 'value', '1'::jsonb, 'org B sees only its own customer');

-- staff_performance
SELECT is((SELECT jsonb_agg(jsonb_build_array(r ->> 'name', r -> 'hours', r -> 'bookings', r -> 'revenue', r -> 'revenue_per_hour'))
             FROM jsonb_array_elements(internal.dataset_staff_performance('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{"limit": 20}') -> 'rows') r),
  '[["Jo Bloggs", 6.00, 0, 400.00, 66.67], ["Max Door", 5.00, 2, 25.00, 5.00]]'::jsonb,
  'Jo: 6 h, took 100 + 300; Max: 5 h, 2 bookings not cancelled, the 25 deposit');
SELECT is(internal.dataset_staff_performance('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12',
                                             '{"limit": 1}') -> 'totals' -> 'revenue_per_hour',
  '38.64'::jsonb, 'totals cover everyone past the limit: 425 / 11 h');
SELECT is(jsonb_array_length(internal.dataset_staff_performance('00000000-0000-4000-8000-0000000a7001', 970001,
                                                                '2026-06-12', '2026-06-12', '{"limit": 1}') -> 'rows'),
  1, 'limit 1: one row');

-- top_customers
SELECT is((SELECT jsonb_agg(jsonb_build_array(r ->> 'customer', r -> 'spend', r -> 'visits', r -> 'is_vip'))
             FROM jsonb_array_elements(internal.dataset_top_customers('00000000-0000-4000-8000-0000000a7001', NULL,
                    '2026-06-12', '2026-06-12', '{"limit": 10, "rank_by": "spend"}') -> 'rows') r),
  '[["Sarah K.", 390.00, 1, true], ["Ann M.", 50.00, 1, false]]'::jsonb,
  'Sarah: 100 + the 300 on her booking - 10 refunded; Ann: 50 (the failed 40 not); the erased customer and org B''s left out');
SELECT is((SELECT count(*) FROM jsonb_array_elements(internal.dataset_top_customers('00000000-0000-4000-8000-0000000a7001', NULL,
                    '2026-06-12', '2026-06-12', '{"limit": 10, "rank_by": "spend"}') -> 'rows') r
            WHERE r ?| ARRAY['email', 'phone', 'customer_id']),
  0::bigint, 'no email, phone or id in the rows');
SELECT is(internal.dataset_top_customers('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-05', '2026-06-12',
                                         '{"limit": 1, "rank_by": "visits"}') -> 'rows' -> 0 ->> 'customer',
  'Ann M.', 'by visits over the week: Ann came twice');

-- weekly_trend
SELECT is((SELECT jsonb_agg(jsonb_build_array(r ->> 'week_start', r -> 'gross_revenue', r -> 'gross_revenue_change',
                                              r -> 'bookings_total', r -> 'trading_days', r -> 'complete'))
             FROM jsonb_array_elements(internal.dataset_weekly_trend('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-08', '2026-06-14', '{"weeks": 3}') -> 'rows') r),
  '[["2026-05-25", 0, null, 0, 0, true], ["2026-06-01", 380.00, null, 1, 1, true], ["2026-06-08", 475.00, 0.2500, 4, 1, true]]'::jsonb,
  'three Monday weeks, the empty one as zeros');
SELECT is(internal.dataset_weekly_trend('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-08', '2026-06-10',
                                        '{"weeks": 2}') -> 'rows' -> 1 -> 'complete',
  'false'::jsonb, 'the last week is cut at the period''s end');

-- revenue_forecast
SELECT is((SELECT jsonb_agg(jsonb_build_array(r ->> 'weekday', r -> 'forecast'))
             FROM jsonb_array_elements(internal.dataset_revenue_forecast('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-08', '2026-06-14', '{"days": 7, "history_weeks": 2}') -> 'rows') r
            WHERE (r ->> 'forecast')::numeric > 0),
  '[["Friday", 427.50]]'::jsonb,
  'Friday: (380 + 475) / 2, trend 1 since the two weeks before took nothing; the other nights 0');
SELECT is(internal.dataset_revenue_forecast('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-08', '2026-06-14',
                                            '{"days": 7, "history_weeks": 2}') -> 'method' #- '{description}',
  '{"name": "same_weekday_average_with_trend", "history_weeks": 2, "recent_from": "2026-06-01", "recent_to": "2026-06-14",
    "recent_gross_revenue": 855.00, "earlier_from": "2026-05-18", "earlier_to": "2026-05-31", "earlier_gross_revenue": 0,
    "trend_factor_uncapped": null, "trend_factor": 1.0, "cap": [0.5, 1.5]}'::jsonb,
  'the method and the history it used');
SELECT is(internal.dataset_revenue_forecast('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-15', '2026-06-21',
                                            '{"days": 7, "history_weeks": 1}') -> 'method' -> 'trend_factor',
  '0.5'::jsonb, 'a week with nothing after a week of 475: the trend of 0 is capped at 0.5');
SELECT is((SELECT jsonb_agg(r -> 'business_date') FROM jsonb_array_elements(internal.dataset_revenue_forecast(
             '00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-08', '2026-06-14', '{"days": 3, "history_weeks": 2}') -> 'rows') r),
  '["2026-06-15", "2026-06-16", "2026-06-17"]'::jsonb, 'the forecast days are the days after the period');

-- recommendations_and_alerts
SELECT is(internal.dataset_recommendations_and_alerts('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12', '{}') ->> 'headline',
  '2 items need attention: 1 critical, 1 warning', 'the data-quality error and the no-show warning');
SELECT is((SELECT jsonb_agg(jsonb_build_array(r ->> 'severity', r ->> 'category', r ->> 'subject'))
             FROM jsonb_array_elements(internal.dataset_recommendations_and_alerts('00000000-0000-4000-8000-0000000a7001', 970001,
                    '2026-06-12', '2026-06-12', '{}') -> 'rows') r),
  '[["critical", "data_quality", "validation.refund_exceeds_payment"], ["warning", "kpi", "No-show rate"]]'::jsonb,
  'most severe first');
SELECT is(internal.dataset_recommendations_and_alerts('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-12', '2026-06-12', '{}') -> 'rows' -> 1 ->> 'message',
  'No-show rate at 33.3%, above the 30% warning threshold (target 20%).', 'the KPI alert is written from its numbers');
SELECT is((SELECT jsonb_agg(r ->> 'severity' || ' ' || (r ->> 'subject'))
             FROM jsonb_array_elements(internal.dataset_recommendations_and_alerts('00000000-0000-4000-8000-0000000a7001', 970002,
                    '2026-06-12', '2026-06-12', '{}') -> 'rows') r),
  '["critical Revenue per trading day"]'::jsonb,
  'Bar A2: only its own 200, under the 300 critical threshold; Club A''s finding and no-shows are not its own');
SELECT is(internal.dataset_recommendations_and_alerts('00000000-0000-4000-8000-0000000a7001', 970001, '2026-06-29', '2026-07-05', '{}') -> 'rows',
  '[{"severity": "info", "category": "trend", "subject": "Revenue trend",
     "message": "Gross revenue of the last 4 weeks is 25% above the 4 weeks before.",
     "recommendation": "Staff and stock up for the rise; the forecast assumes it continues."}]'::jsonb,
  'a quiet week: only the trend, 475 in the four weeks to 5 July against 380 in the four before');

SELECT * FROM finish();
ROLLBACK;

-- Reports in SQL: versioned templates, the system templates' sections, the
-- dataset registry's checks, api.generate_report (snapshot, cache, skip,
-- bad input), subscriptions making report jobs, the stale fallback,
-- api.validate_report_data and api.schedule_report. Daily rollup rows are
-- written by hand (the rollup is tested in aggregations.sql); expected
-- figures are worked out by hand from them.
BEGIN;
SELECT plan(78);

SELECT set_config('nightcap.actor', 'dba@backroom.example', true);
INSERT INTO venue.organizations (organization_id, name, slug) VALUES
  ('00000000-0000-4000-8000-00000000e901', 'Report Org', 'report-org'),
  ('00000000-0000-4000-8000-00000000f901', 'Other Org', 'report-other');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity) VALUES
  ('00000000-0000-4000-8000-00000000e901', 970001, 'Main', 'main', 100),
  ('00000000-0000-4000-8000-00000000e901', 970002, 'Annex', 'annex', 50),
  ('00000000-0000-4000-8000-00000000f901', 970003, 'Elsewhere', 'elsewhere', 100);
CREATE FUNCTION pg_temp.org() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-00000000e901'::uuid $$;
CREATE FUNCTION pg_temp.other() RETURNS uuid LANGUAGE sql AS $$ SELECT '00000000-0000-4000-8000-00000000f901'::uuid $$;

-- Friday 1 May 2026 at both venues, the Friday before at Main; the other organization trades too.
-- Gross = bar + table + ticket + deposits on every row.
INSERT INTO reporting.daily_aggregations (
  organization_id, venue_id, business_date, gross_revenue, refunds, net_revenue, deposits, bar_revenue,
  table_revenue, ticket_revenue, check_ins, bookings_total, bookings_confirmed, bookings_completed,
  bookings_cancelled, bookings_no_show, covers) VALUES
  (pg_temp.org(), 970001, '2026-05-01', 20000, 1000, 19000, 2000, 12000, 5000, 1000, 400, 100, 10, 72, 10, 8, 300),
  (pg_temp.org(), 970002, '2026-05-01', 5000, 0, 5000, 500, 3000, 1000, 500, 100, 20, 2, 16, 1, 1, 60),
  (pg_temp.org(), 970001, '2026-04-24', 10000, 0, 10000, 1000, 6000, 2500, 500, 250, 50, 5, 40, 3, 2, 150),
  (pg_temp.other(), 970003, '2026-05-01', 99999, 0, 99999, 0, 99999, 0, 0, 10, 1, 1, 0, 0, 0, 2);

-- System templates: seeded with the organization, seven sections each in the seed's order.
SELECT set_eq(
  $$SELECT template_key, version, status, formats::text FROM reporting.report_templates WHERE organization_id = pg_temp.org()$$,
  $$VALUES ('daily_summary', 1, 'active', '{pdf,xlsx,html}'), ('weekly_summary', 1, 'active', '{pdf,xlsx,html,csv}'),
           ('event_performance', 1, 'active', '{pdf,html,csv}'), ('customer_insights', 1, 'active', '{pdf,html,xlsx}')$$,
  'a new organization has the four system templates, version 1 active, with their formats');
SELECT results_eq(
  $$SELECT s.title FROM reporting.report_sections s JOIN reporting.report_templates t USING (organization_id, template_id)
     WHERE t.organization_id = pg_temp.org() AND t.template_key = 'daily_summary' ORDER BY s.position$$,
  $$VALUES ('Executive Summary'), ('Key Performance Indicators'), ('Bookings Analysis'), ('Revenue Breakdown'),
           ('Event Performance'), ('Customer Insights'), ('Staff Performance')$$,
  'the Daily Summary has seed 001''s seven sections in order');
SELECT results_eq(
  $$SELECT s.title FROM reporting.report_sections s JOIN reporting.report_templates t USING (organization_id, template_id)
     WHERE t.organization_id = pg_temp.org() AND t.template_key = 'weekly_summary' ORDER BY s.position$$,
  $$VALUES ('Weekly Overview with Comparisons'), ('Trend Analysis Charts'), ('Event Performance Comparison'),
           ('Revenue Analysis with Forecasts'), ('Customer Behavior Patterns'), ('Top Performers'),
           ('Recommendations and Alerts')$$,
  'the Weekly Summary has seed 001''s seven sections in order');
SELECT results_eq(
  $$SELECT t.schedule_cron, t.schedule_timezone, t.period_kind, t.skip_when_empty FROM reporting.report_templates t
     WHERE t.organization_id = pg_temp.org() ORDER BY t.template_key$$,
  $$VALUES ('0 9 1 * *', 'Europe/London', 'month', false), ('0 22 * * *', 'Europe/London', 'trading_day', false),
           ('0 12 * * *', 'Europe/London', 'trading_day', true), ('0 9 * * 1', 'Europe/London', 'week', false)$$,
  'schedules: customer insights 09:00 on the 1st, daily 22:00, event noon (skipped when empty), weekly Monday 09:00, London');
SELECT is((SELECT dataset FROM reporting.report_sections s JOIN reporting.report_templates t USING (organization_id, template_id)
            WHERE t.organization_id = pg_temp.org() AND t.template_key = 'daily_summary' AND s.position = 2),
  'kpis', 'a section''s dataset column is the one its query_config names');

-- Versions: an active one is immutable; drafts change; activation retires the previous version.
SELECT throws_ok($$UPDATE reporting.report_templates SET name = 'Renamed' WHERE organization_id = pg_temp.org() AND template_key = 'daily_summary'$$,
  '55000', NULL, 'an active version cannot be renamed: 55000');
SELECT throws_ok($$UPDATE reporting.report_sections SET title = 'X' WHERE organization_id = pg_temp.org() AND position = 1$$,
  '55000', NULL, 'an active version''s sections cannot change: 55000');
SELECT throws_ok($$DELETE FROM reporting.report_templates WHERE organization_id = pg_temp.org() AND template_key = 'weekly_summary'$$,
  '55000', NULL, 'an active version cannot be deleted: 55000');
SELECT throws_ok($$INSERT INTO reporting.report_templates (organization_id, template_key, name, status, created_by)
                   VALUES (pg_temp.org(), 'x_report', 'X', 'active', 'me')$$,
  '55000', NULL, 'a version is created as a draft, not active: 55000');

CREATE TEMP TABLE v2 AS
SELECT * FROM api.create_report_template(pg_temp.org(),
  '{"template_key": "daily_summary", "name": "Daily Summary", "report_type": "daily_summary", "formats": ["pdf", "html"],
    "schedule_cron": "30 21 * * *", "change_note": "earlier, shorter",
    "sections": [{"section_key": "headline", "title": "Headline", "section_type": "summary",
                  "query_config": {"dataset": "executive_summary"}},
                 {"section_key": "money", "title": "Money", "section_type": "table",
                  "query_config": {"dataset": "revenue_breakdown"}}]}', false);
SELECT is((SELECT (version, status)::text FROM v2), '(2,draft)', 'a new version of the key is number 2, a draft');
SELECT is((SELECT status FROM reporting.report_templates WHERE organization_id = pg_temp.org() AND template_key = 'daily_summary' AND version = 1),
  'active', '... and version 1 stays active meanwhile');
UPDATE reporting.report_sections SET title = 'Takings' WHERE organization_id = pg_temp.org() AND template_id = (SELECT template_id FROM v2) AND position = 2;
SELECT is((SELECT title FROM reporting.report_sections WHERE template_id = (SELECT template_id FROM v2) AND position = 2), 'Takings',
  'a draft''s sections can change');
SELECT is((SELECT (version, status)::text FROM api.activate_report_template(pg_temp.org(), 'daily_summary', 2)), '(2,active)',
  'api.activate_report_template activates the draft');
SELECT results_eq(
  $$SELECT version, status FROM reporting.report_templates WHERE organization_id = pg_temp.org() AND template_key = 'daily_summary' ORDER BY version$$,
  $$VALUES (1, 'retired'), (2, 'active')$$, '... retiring version 1: one active version per key');
SELECT results_eq(
  $$SELECT version, action, changed_by FROM reporting.report_template_changes
     WHERE organization_id = pg_temp.org() AND template_key = 'daily_summary' ORDER BY change_id$$,
  $$VALUES (1, 'created', 'dba@backroom.example'), (1, 'activated', 'dba@backroom.example'),
           (2, 'created', 'dba@backroom.example'), (1, 'retired', 'dba@backroom.example'),
           (2, 'activated', 'dba@backroom.example')$$,
  'the change history has each creation, activation and retirement, by the acting user');
SELECT throws_ok($$SELECT api.activate_report_template(pg_temp.org(), 'daily_summary', 1)$$, '55000', NULL,
  'a retired version cannot be activated again: 55000');
SELECT throws_ok($$SELECT api.activate_report_template(pg_temp.org(), 'daily_summary', 9)$$, 'P0002', NULL,
  'an unknown version: P0002');
-- Back to the system version's shape for the rest (version 3, the seven sections).
SELECT is((SELECT version FROM api.create_report_template(pg_temp.org(),
  (SELECT d FROM internal.system_report_templates() d WHERE d ->> 'template_key' = 'daily_summary'))), 3,
  'version 3 restores the system Daily Summary');

-- Sections name registered datasets with declared, well-typed parameters; nothing else is stored.
CREATE FUNCTION pg_temp.section(p_config jsonb, p_type text DEFAULT 'table') RETURNS reporting.report_templates LANGUAGE sql AS $$
  SELECT api.create_report_template(pg_temp.org(), jsonb_build_object('template_key', 'custom_one', 'name', 'Custom',
    'sections', jsonb_build_array(jsonb_build_object('section_key', 'only', 'title', 'Only', 'section_type', p_type,
                                                     'query_config', p_config)))) $$;
SELECT throws_ok($$SELECT pg_temp.section('{"dataset": "payroll"}')$$, '22023', NULL, 'an unknown dataset: 22023');
SELECT throws_ok($$SELECT pg_temp.section('{"dataset": "top_customers", "parameters": {"rows": 5}}')$$, '22023', NULL,
  'an unknown parameter: 22023');
SELECT throws_ok($$SELECT pg_temp.section('{"dataset": "top_customers", "parameters": {"limit": "ten"}}')$$, '22023', NULL,
  'a parameter of the wrong type: 22023');
SELECT throws_ok($$SELECT pg_temp.section('{"dataset": "top_customers", "parameters": {"limit": 1000}}')$$, '22023', NULL,
  'a parameter out of range: 22023');
SELECT throws_ok($$SELECT pg_temp.section('{"dataset": "top_customers", "parameters": {"rank_by": "age"}}')$$, '22023', NULL,
  'a parameter outside its list: 22023');
SELECT throws_ok($$SELECT pg_temp.section('{"dataset": "top_customers"}', 'metrics')$$, '22023', NULL,
  'a dataset that cannot feed the section type: 22023');
SELECT throws_ok($$SELECT pg_temp.section('{"dataset": "kpis", "sql": "SELECT 1"}', 'metrics')$$, '22023', NULL,
  'a query_config carrying SQL: 22023');
SELECT is((SELECT count(*) FROM reporting.report_templates WHERE organization_id = pg_temp.org() AND template_key = 'custom_one'),
  0::bigint, '... and none of them stored a template');
SELECT is((SELECT (version, status)::text FROM pg_temp.section('{"dataset": "top_customers", "parameters": {"limit": 5}}')),
  '(1,active)', 'a valid custom template is stored and active');

-- api.generate_report: bad input raises and stores nothing.
SELECT throws_ok($$SELECT api.generate_report('monthly_board_pack', pg_temp.org(), '2026-05-01', '2026-05-01')$$, 'P0002', NULL,
  'an unknown template: P0002');
SELECT throws_ok($$SELECT api.generate_report('daily_summary', pg_temp.org(), '2026-05-02', '2026-05-01')$$, '22023', NULL,
  'a period ending before it starts: 22023');
SELECT throws_ok($$SELECT api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{}', '{csv}')$$, '22023', NULL,
  'a format the template does not allow (csv for the Daily Summary): 22023');
SELECT throws_ok($$SELECT api.generate_report('daily_summary', '00000000-0000-4000-8000-000000000bad', '2026-05-01', '2026-05-01')$$, 'P0002', NULL,
  'an unknown organization: P0002');
SELECT throws_ok($$SELECT api.generate_report('daily_summary', pg_temp.org(), NULL, '2026-05-01')$$, '22004', NULL,
  'a missing period start: 22004');
SELECT throws_ok($$SELECT api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{"area": 1}')$$, '22023', NULL,
  'an unknown filter: 22023');
SELECT throws_ok($$SELECT api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{"venue_id": 970003}')$$, 'P0002', NULL,
  'another organization''s venue: P0002');
SELECT throws_ok($$SELECT api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{}', NULL, 'urgent')$$, '22023', NULL,
  'an unknown priority: 22023');
SELECT is((SELECT count(*) FROM reporting.report_generation_history WHERE organization_id = pg_temp.org()), 0::bigint,
  '... and none of them stored a report');

-- A Daily Summary of Friday 1 May: its sections in order, headline figures from the rollups.
CREATE TEMP TABLE daily AS SELECT api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01') AS id;
SELECT is((SELECT status FROM reporting.report_generation_history WHERE generation_id = (SELECT id FROM daily)), 'data_ready',
  'the snapshot is stored data_ready');
SELECT results_eq(
  $$SELECT s ->> 'title' FROM reporting.report_generation_history h, jsonb_array_elements(h.snapshot -> 'sections') s
     WHERE h.generation_id = (SELECT id FROM daily) ORDER BY (s ->> 'position')::int$$,
  $$VALUES ('Executive Summary'), ('Key Performance Indicators'), ('Bookings Analysis'), ('Revenue Breakdown'),
           ('Event Performance'), ('Customer Insights'), ('Staff Performance')$$,
  'the snapshot holds the seven sections in order');
SELECT is((SELECT (summary ->> 'gross_revenue', summary ->> 'refunds', summary ->> 'net_revenue', summary ->> 'bookings_total',
                   summary ->> 'covers')::text
             FROM reporting.report_generation_history WHERE generation_id = (SELECT id FROM daily)),
  '(25000.00,1000.00,24000.00,120,360)', 'headline: gross 20,000 + 5,000, refunds 1,000, net 24,000, 120 bookings, 360 covers');
SELECT is((SELECT (snapshot -> 'period' ->> 'start', snapshot -> 'period' ->> 'days', snapshot ->> 'timezone',
                   snapshot -> 'report' ->> 'version', jsonb_array_length(snapshot -> 'venues'), formats)::text
             FROM reporting.report_generation_history WHERE generation_id = (SELECT id FROM daily)),
  '(2026-05-01,1,Europe/London,3,2,"{html,pdf,xlsx}")', 'metadata: period, zone, template version 3, both venues, all formats');
CREATE TEMP TABLE weekly AS SELECT api.generate_report('weekly_summary', pg_temp.org(), '2026-04-27', '2026-05-03') AS id;
SELECT results_eq(
  $$SELECT s ->> 'title' FROM reporting.report_generation_history h, jsonb_array_elements(h.snapshot -> 'sections') s
     WHERE h.generation_id = (SELECT id FROM weekly) ORDER BY (s ->> 'position')::int$$,
  $$VALUES ('Weekly Overview with Comparisons'), ('Trend Analysis Charts'), ('Event Performance Comparison'),
           ('Revenue Analysis with Forecasts'), ('Customer Behavior Patterns'), ('Top Performers'),
           ('Recommendations and Alerts')$$,
  'the Weekly Summary snapshot of Monday 27 April to Sunday 3 May holds its seven sections in order');
SELECT is((SELECT (summary ->> 'gross_revenue', summary ->> 'trading_days')::text
             FROM reporting.report_generation_history WHERE generation_id = (SELECT id FROM weekly)),
  '(25000.00,1)', '... over one trading day that week: Friday''s 25,000');

CREATE TEMP TABLE others AS
SELECT api.generate_report('event_performance', pg_temp.org(), '2026-05-01', '2026-05-01') AS event_id,
       api.generate_report('customer_insights', pg_temp.org(), '2026-05-01', '2026-05-31') AS customer_id;
SELECT results_eq(
  $$SELECT s ->> 'title' FROM reporting.report_generation_history h, jsonb_array_elements(h.snapshot -> 'sections') s
     WHERE h.generation_id = (SELECT event_id FROM others) ORDER BY (s ->> 'position')::int$$,
  $$VALUES ('Event Summary'), ('Events'), ('Arrivals by Hour'), ('Revenue')$$,
  'the Event Performance Summary snapshot of Friday holds its four sections in order');
SELECT results_eq(
  $$SELECT s ->> 'title' FROM reporting.report_generation_history h, jsonb_array_elements(h.snapshot -> 'sections') s
     WHERE h.generation_id = (SELECT customer_id FROM others) ORDER BY (s ->> 'position')::int$$,
  $$VALUES ('Customer KPIs'), ('Behaviour Patterns'), ('Top Customers'), ('Recommendations')$$,
  'the Customer Behaviour Insights snapshot of May holds its four sections in order');

-- The KPI and revenue sections agree with the rollup rows of that trading day (worked by hand).
SELECT results_eq(
  $$SELECT m ->> 'code', (m ->> 'value')::numeric, m ->> 'status', (m ->> 'previous')::numeric
      FROM reporting.report_generation_history h, jsonb_array_elements(h.snapshot -> 'sections') s,
           jsonb_array_elements(s -> 'data' -> 'metrics') m
     WHERE h.generation_id = (SELECT id FROM daily) AND s ->> 'key' = 'key_performance_indicators'
       AND m ->> 'code' IN ('daily_revenue', 'net_revenue', 'booking_conversion_rate', 'cancellation_rate', 'no_show_rate', 'average_spend_per_head')
     ORDER BY 1$$,
  $$VALUES ('average_spend_per_head', 50.00, 'on_target', 40.00),
           ('booking_conversion_rate', 0.7333, 'warning', 0.8000),
           ('cancellation_rate', 0.0917, 'on_target', 0.0600),
           ('daily_revenue', 25000.00, 'on_target', 10000.00),
           ('net_revenue', 24000.00, 'on_target', 10000.00),
           ('no_show_rate', 0.0826, 'warning', 0.0426)$$,
  'KPIs: revenue 25,000 and net 24,000 in one trading day, spend 25,000 / 500 in, conversion 88 / 120, cancellations 11 / 120, no-shows 9 / 109; a week earlier 10,000, 40, 40 / 50, 3 / 50, 2 / 47');
SELECT results_eq(
  $$SELECT r ->> 'key', (r ->> 'amount')::numeric, (r ->> 'share')::numeric, (r ->> 'previous')::numeric
      FROM reporting.report_generation_history h, jsonb_array_elements(h.snapshot -> 'sections') s,
           jsonb_array_elements(s -> 'data' -> 'rows') WITH ORDINALITY AS x (r, n)
     WHERE h.generation_id = (SELECT id FROM daily) AND s ->> 'key' = 'revenue_breakdown' ORDER BY x.n$$,
  $$VALUES ('bar', 15000.00, 0.6000, 6000.00), ('table', 6000.00, 0.2400, 2500.00), ('ticket', 1500.00, 0.0600, 500.00),
           ('deposit', 2500.00, 0.1000, 1000.00), ('refunds', 1000.00, 0.0400, 0.00), ('net', 24000.00, 0.9600, 10000.00)$$,
  'revenue breakdown: bar 12,000 + 3,000, tables 5,000 + 1,000, tickets 1,000 + 500, deposits 2,000 + 500 of 25,000; refunds 1,000; net 24,000; the Friday before beside each');
SELECT ok((SELECT snapshot -> 'durations_ms' ? 'total' AND snapshot -> 'durations_ms' ? 'staff_performance'
             FROM reporting.report_generation_history WHERE generation_id = (SELECT id FROM daily)),
  'the snapshot times each section and the whole');
CREATE TEMP TABLE main_only AS
SELECT api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{"venue_id": 970001}') AS id;
SELECT is((SELECT (summary ->> 'gross_revenue', jsonb_array_length(snapshot -> 'venues'), venue_id)::text
             FROM reporting.report_generation_history WHERE generation_id = (SELECT id FROM main_only)),
  '(20000.00,1,970001)', 'filtered to the Main room: 20,000 and one venue');

-- The cache: the same request within the TTL, with no re-aggregation since, reuses the snapshot.
SELECT is(api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{}', '{pdf,html,xlsx}'),
  (SELECT id FROM daily), 'the same request (formats in any order) returns the same generation');
SELECT is((SELECT cache_hits FROM reporting.report_generation_history WHERE generation_id = (SELECT id FROM daily)), 1,
  '... and counts a cache hit');
SELECT isnt(api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01', '{}', '{pdf}'),
  (SELECT id FROM daily), 'other formats are another request');
INSERT INTO internal.organization_data_versions AS v (organization_id) VALUES (pg_temp.org())
    ON CONFLICT (organization_id) DO UPDATE SET version = v.version + 1;
SELECT isnt(api.generate_report('daily_summary', pg_temp.org(), '2026-05-01', '2026-05-01'),
  (SELECT id FROM daily), 'after a re-aggregation the snapshot is not reused');

-- Empty periods: skipped under "skip when empty", else generated with a warning.
CREATE TEMP TABLE empty_nights AS
SELECT api.generate_report('event_performance', pg_temp.org(), '2026-05-05', '2026-05-05') AS event_id,
       api.generate_report('daily_summary', pg_temp.org(), '2026-05-05', '2026-05-05') AS daily_id;
SELECT is((SELECT (status, skip_reason IS NOT NULL, snapshot IS NULL)::text FROM reporting.report_generation_history
            WHERE generation_id = (SELECT event_id FROM empty_nights)),
  '(skipped,t,t)', 'an empty night under skip-when-empty is skipped with a reason');
SELECT is((SELECT (status, warnings @> '[{"code": "empty"}]')::text FROM reporting.report_generation_history
            WHERE generation_id = (SELECT daily_id FROM empty_nights)),
  '(data_ready,t)', 'the Daily Summary of an empty night is made, warned empty');

-- Subscriptions: seed 001's INSERT with real ids; the report job follows.
INSERT INTO reporting.report_recipients (organization_id, recipient_id, name, email, role, preferred_channels) VALUES
  (pg_temp.org(), 960001, 'Owner', 'owner@backroom.example', 'owner', '{email}'),
  (pg_temp.org(), 960002, 'Door', NULL, 'staff', '{dashboard}'),
  (pg_temp.other(), 960003, 'Elsewhere', 'boss@elsewhere.example', 'owner', '{email}');
INSERT INTO report_subscriptions (recipient_id, template_id, delivery_channels)
VALUES (960001, (SELECT template_id FROM reporting.report_templates WHERE organization_id = pg_temp.org()
                  AND template_key = 'daily_summary' AND status = 'active'), ARRAY['email', 'dashboard']);
SELECT is((SELECT (s.organization_id = pg_temp.org(), s.template_key, j.name, j.cron_expression, j.timezone, j.enabled,
                   s.next_delivery_at = j.next_run_at)::text
             FROM reporting.report_subscriptions s JOIN reporting.scheduled_jobs j USING (job_id) WHERE s.recipient_id = 960001),
  '(t,daily_summary,report:daily_summary,"0 22 * * *",Europe/London,t,t)',
  'the seed''s INSERT works: organization and key from the ids, served by report:daily_summary at 22:00 London');
SELECT is((SELECT count(*) FROM reporting.job_alerts a JOIN reporting.scheduled_jobs j USING (job_id)
            WHERE j.organization_id = pg_temp.org() AND j.name = 'report:daily_summary' AND a.alert_type = 'failure'), 1::bigint,
  'the report job has a failure alert rule');
SELECT throws_ok($$INSERT INTO reporting.report_subscriptions (recipient_id, template_id)
                   VALUES (960003, (SELECT template_id FROM reporting.report_templates WHERE organization_id = pg_temp.org() LIMIT 1))$$,
  '23503', NULL, 'a recipient cannot subscribe to another organization''s template: 23503');
SELECT throws_ok($$INSERT INTO reporting.report_subscriptions (recipient_id, template_id)
                   VALUES (960002, (SELECT template_id FROM reporting.report_templates WHERE organization_id = pg_temp.org() LIMIT 1))$$,
  '22023', NULL, 'email delivery to a recipient without an address: 22023');
SELECT throws_ok($$INSERT INTO reporting.report_subscriptions (recipient_id, template_id, cron_expression, delivery_channels)
                   VALUES (960002, (SELECT template_id FROM reporting.report_templates WHERE organization_id = pg_temp.org() LIMIT 1),
                           '0 25 * * *', '{dashboard}')$$,
  '22023', NULL, 'a custom schedule with a bad hour: 22023');
UPDATE reporting.report_subscriptions SET is_paused = true WHERE recipient_id = 960001;
SELECT is((SELECT (s.paused_at IS NOT NULL, s.job_id IS NULL, j.enabled)::text FROM reporting.report_subscriptions s, reporting.scheduled_jobs j
            WHERE s.recipient_id = 960001 AND j.name = 'report:daily_summary' AND j.organization_id = pg_temp.org()),
  '(t,t,f)', 'pausing the only subscription stamps paused_at and disables its job');
UPDATE reporting.report_subscriptions SET is_paused = false WHERE recipient_id = 960001;
SELECT is((SELECT (s.resumed_at IS NOT NULL, j.enabled)::text FROM reporting.report_subscriptions s JOIN reporting.scheduled_jobs j USING (job_id)
            WHERE s.recipient_id = 960001),
  '(t,t)', 'resuming stamps resumed_at and enables the job again');

-- The job's run at 22:00 BST on Saturday 2 May reports Friday's trading day.
UPDATE reporting.job_runs SET status = 'cancelled' WHERE status IN ('waiting', 'queued');
SELECT api.enqueue_run(j.job_id, '2026-05-02 21:00Z') FROM reporting.scheduled_jobs j
 WHERE j.organization_id = pg_temp.org() AND j.name = 'report:daily_summary';
CREATE TEMP TABLE worked AS SELECT * FROM api.work(30);
SELECT is((SELECT (w.status, h.period_start, h.period_end, h.run_id = w.run_id)::text
             FROM worked w JOIN reporting.report_generation_history h ON h.job_id = w.job_id),
  '(succeeded,2026-05-01,2026-05-01,t)', 'api.work runs the report job: Friday''s Daily Summary, tied to its run');

-- A report run that fails for good re-issues the last good report, marked stale, and alerts.
CREATE TEMP TABLE saved AS
SELECT pg_get_functiondef('internal.dataset_bookings_by_hour(uuid, bigint, date, date, jsonb)'::regprocedure) AS definition;
CREATE OR REPLACE FUNCTION internal.dataset_bookings_by_hour(
  p_organization_id uuid, p_venue_id bigint, p_from date, p_to date, p_params jsonb) RETURNS jsonb
  LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'bookings feed unavailable' USING ERRCODE = '58030'; END $$;
UPDATE reporting.scheduled_jobs SET max_attempts = 1 WHERE organization_id = pg_temp.org() AND name = 'report:daily_summary';
SELECT api.enqueue_run(j.job_id, '2026-05-03 21:00Z') FROM reporting.scheduled_jobs j
 WHERE j.organization_id = pg_temp.org() AND j.name = 'report:daily_summary';
CREATE TEMP TABLE failed AS SELECT * FROM api.work(30);
SELECT is((SELECT (status, error_sqlstate)::text FROM failed), '(failed,58030)', 'the run fails for good (one attempt)');
SELECT is((SELECT (status, period_start, error_sqlstate)::text FROM reporting.report_generation_history
            WHERE run_id = (SELECT run_id FROM failed) AND NOT is_stale),
  '(failed,2026-05-02,58030)', 'the failed generation of Saturday is recorded with its SQLSTATE');
SELECT is((SELECT (h.status, h.is_stale, h.period_start, h.reissue_of = w.gid, h.stale_reason ~ 'could not be generated',
                   h.snapshot -> 'stale' ->> 'reissue_of' = w.gid::text)::text
             FROM reporting.report_generation_history h,
                  (SELECT generation_id AS gid FROM reporting.report_generation_history g JOIN worked USING (run_id)) w
            WHERE h.run_id = (SELECT run_id FROM failed) AND h.is_stale),
  '(data_ready,t,2026-05-01,t,t,t)', 'Friday''s report is issued again, stale, saying why');
SELECT is((SELECT count(*) FROM reporting.job_alert_events e JOIN reporting.scheduled_jobs j USING (job_id)
            WHERE j.organization_id = pg_temp.org() AND j.name = 'report:daily_summary' AND e.alert_type = 'failure'), 1::bigint,
  'and the failure raises an alert');
DO $$ BEGIN EXECUTE (SELECT definition FROM saved); END $$;

-- api.validate_report_data: warnings now, and a skip for an unrendered empty report.
CREATE TEMP TABLE event_report AS SELECT api.generate_report('event_performance', pg_temp.org(), '2026-05-01', '2026-05-01') AS id;
SELECT is((SELECT api.validate_report_data((SELECT id FROM event_report)) ->> 'verdict'), 'warnings',
  'Friday''s revenue of 25,000 against a mean of 2,500 for the four Fridays before is anomalous: warnings');
DELETE FROM reporting.daily_aggregations WHERE organization_id = pg_temp.org() AND business_date = '2026-05-01';
SELECT is((SELECT api.validate_report_data((SELECT id FROM event_report)) ->> 'verdict'), 'skipped',
  'with the night''s rows gone, the unrendered event report is skipped');
SELECT is((SELECT status FROM reporting.report_generation_history WHERE generation_id = (SELECT id FROM event_report)), 'skipped',
  '... and stored as skipped');
SELECT throws_ok($$SELECT api.validate_report_data(-1)$$, 'P0002', NULL, 'an unknown generation: P0002');

-- api.schedule_report (seed 002's scheduleReport).
CREATE TEMP TABLE scheduled AS
SELECT api.schedule_report(pg_temp.org(), 'weekly_summary', '30 7 * * 1', 'Europe/Paris',
                           ARRAY[960001::bigint], '{"venue_id": 970001}', '{email}', '{pdf}', 5) AS job_id;
SELECT is((SELECT (j.name ~ '^report:weekly_summary:[0-9a-f]{8}$', j.cron_expression, j.timezone, j.max_attempts, j.enabled)::text
             FROM reporting.scheduled_jobs j WHERE j.job_id = (SELECT job_id FROM scheduled)),
  '(t,"30 7 * * 1",Europe/Paris,5,t)', 'schedule_report makes a report job on its own schedule, zone and attempts');
SELECT throws_ok($$SELECT api.schedule_report(pg_temp.org(), 'weekly_summary', '30 7 * * 1', 'Mars/Olympus')$$, '22023', NULL,
  'an unknown time zone: 22023');
SELECT api.pause_subscription(subscription_id, 'unsubscribed by link') FROM reporting.report_subscriptions
 WHERE recipient_id = 960001 AND template_key = 'weekly_summary';
SELECT api.schedule_report(pg_temp.org(), 'weekly_summary', '30 7 * * 1', 'Europe/Paris', NULL, '{"venue_id": 970001}', '{dashboard}');
SELECT is((SELECT is_paused FROM reporting.report_subscriptions WHERE recipient_id = 960001 AND template_key = 'weekly_summary'), true,
  'scheduling for everyone does not resume a recipient who unsubscribed');

-- The period a run reports is closed on the venue's clock, whatever the subscriber's zone.
SELECT is((SELECT (period_start, period_end)::text FROM internal.report_job_period(pg_temp.org(), 'trading_day', '2025-01-18 00:30Z', '{"venue_id": 970001}')),
  '(2025-01-16,2025-01-16)', 'a Tokyo 09:30 run at 00:30Z reports the London club''s 16 January: its 17th trades until 06:00');

-- A render that fails for good: the job alerts and the last good report goes out again, stale.
SELECT api.enqueue_run(j.job_id, '2026-05-04 21:00Z') FROM reporting.scheduled_jobs j
 WHERE j.organization_id = pg_temp.org() AND j.name = 'report:daily_summary';
UPDATE reporting.scheduled_jobs SET max_attempts = 3 WHERE organization_id = pg_temp.org() AND name = 'report:daily_summary';
CREATE TEMP TABLE sunday AS SELECT w.run_id FROM api.work(30) w;
CREATE TEMP TABLE sunday_report AS
SELECT h.generation_id FROM reporting.report_generation_history h JOIN sunday USING (run_id) WHERE NOT h.is_stale;
UPDATE reporting.report_generation_history SET max_render_attempts = 1 WHERE generation_id = (SELECT generation_id FROM sunday_report);
SELECT count(*) FROM api.claim_reports('r-final', 1000);
SELECT is(api.fail_report((SELECT generation_id FROM sunday_report), 'r-final', 'TemplateError: tiles'), 'failed',
  'Sunday''s report fails its only render attempt');
SELECT is((SELECT (h.is_stale, h.period_start, h.status)::text FROM reporting.report_generation_history h
            WHERE h.run_id = (SELECT run_id FROM sunday) AND h.is_stale),
  '(t,2026-05-01,data_ready)', 'the last good report (Friday''s) goes out again, stale');
SELECT ok((SELECT e.occurrences >= 2 OR e.last_seen_at > e.raised_at FROM reporting.job_alert_events e JOIN reporting.scheduled_jobs j USING (job_id)
            WHERE j.organization_id = pg_temp.org() AND j.name = 'report:daily_summary' AND e.alert_type = 'failure'),
  '... and the job''s failure alert counts it (within its grace period: the open event)');

-- Retiring a template with no successor leaves its report jobs nothing to run: they are disabled.
UPDATE reporting.report_templates SET status = 'retired' WHERE organization_id = pg_temp.org() AND template_key = 'weekly_summary' AND status = 'active';
SELECT is((SELECT bool_or(enabled) FROM reporting.scheduled_jobs WHERE organization_id = pg_temp.org() AND name LIKE 'report:weekly_summary%'),
  false, 'retiring the weekly template disables its report jobs');

SELECT * FROM finish();
ROLLBACK;

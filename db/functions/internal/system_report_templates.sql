-- internal.system_report_templates(): the report templates every organization starts with.
CREATE OR REPLACE FUNCTION internal.system_report_templates()
RETURNS SETOF jsonb
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $fn$
  /*
   * In api.create_report_template's shape. Seed 001's two reports with their
   * seven sections each, in the seed's order, and seed 000's event and
   * customer reports:
   *   daily_summary      22:00 every day: the last complete trading day;
   *   weekly_summary     Monday 09:00: the last Monday-Sunday;
   *   event_performance  12:00 every day: the last trading day's events,
   *                      skipped on a night without trading ("after each
   *                      event": a night's events end by the trading day's
   *                      close, so noon sees them all);
   *   customer_insights  09:00 on the 1st: the last calendar month.
   * Times are on the Europe/London clock.
   */
  VALUES
  ('{"template_key": "daily_summary", "name": "Daily Summary", "report_type": "daily_summary",
     "description": "Last night''s trading: revenue, bookings, attendance, events, customers and staff, against the same night a week earlier.",
     "period_kind": "trading_day", "formats": ["pdf", "xlsx", "html"],
     "schedule_cron": "0 22 * * *", "schedule_timezone": "Europe/London", "cache_ttl": "90 minutes",
     "skip_when_empty": false, "is_system": true, "change_note": "system template",
     "sections": [
       {"section_key": "executive_summary", "title": "Executive Summary", "section_type": "summary",
        "query_config": {"dataset": "executive_summary", "parameters": {"compare": "week_ago"}}},
       {"section_key": "key_performance_indicators", "title": "Key Performance Indicators", "section_type": "metrics",
        "query_config": {"dataset": "kpis", "parameters": {"compare": "week_ago"}}},
       {"section_key": "bookings_analysis", "title": "Bookings Analysis", "section_type": "chart",
        "query_config": {"dataset": "bookings_by_hour"}, "display_config": {"chart": "stacked_bar"}},
       {"section_key": "revenue_breakdown", "title": "Revenue Breakdown", "section_type": "table",
        "query_config": {"dataset": "revenue_breakdown"}},
       {"section_key": "event_performance", "title": "Event Performance", "section_type": "table",
        "query_config": {"dataset": "event_performance"}},
       {"section_key": "customer_insights", "title": "Customer Insights", "section_type": "table",
        "query_config": {"dataset": "customer_patterns"}},
       {"section_key": "staff_performance", "title": "Staff Performance", "section_type": "table",
        "query_config": {"dataset": "staff_performance", "parameters": {"limit": 20}}}]}'::jsonb),
  ('{"template_key": "weekly_summary", "name": "Weekly Summary", "report_type": "weekly_summary",
     "description": "Last week (Monday to Sunday) against the week before and the trend, with a forecast and what needs attention.",
     "period_kind": "week", "formats": ["pdf", "xlsx", "html", "csv"],
     "schedule_cron": "0 9 * * 1", "schedule_timezone": "Europe/London", "cache_ttl": "120 minutes",
     "skip_when_empty": false, "is_system": true, "change_note": "system template",
     "sections": [
       {"section_key": "weekly_overview", "title": "Weekly Overview with Comparisons", "section_type": "summary",
        "query_config": {"dataset": "executive_summary", "parameters": {"compare": "week_ago"}}},
       {"section_key": "trend_analysis", "title": "Trend Analysis Charts", "section_type": "chart",
        "query_config": {"dataset": "weekly_trend", "parameters": {"weeks": 8}}, "display_config": {"chart": "line"}},
       {"section_key": "event_performance_comparison", "title": "Event Performance Comparison", "section_type": "table",
        "query_config": {"dataset": "event_performance", "parameters": {"compare_series": true}}},
       {"section_key": "revenue_forecast", "title": "Revenue Analysis with Forecasts", "section_type": "chart",
        "query_config": {"dataset": "revenue_forecast", "parameters": {"days": 7}}, "display_config": {"chart": "bar"}},
       {"section_key": "customer_behavior", "title": "Customer Behavior Patterns", "section_type": "table",
        "query_config": {"dataset": "customer_patterns"}},
       {"section_key": "top_performers", "title": "Top Performers", "section_type": "table",
        "query_config": {"dataset": "staff_performance", "parameters": {"limit": 10}}},
       {"section_key": "recommendations", "title": "Recommendations and Alerts", "section_type": "summary",
        "query_config": {"dataset": "recommendations_and_alerts"}}]}'),
  ('{"template_key": "event_performance", "name": "Event Performance Summary", "report_type": "event_performance",
     "description": "Each event of the last trading day: attendance, occupancy, revenue and rating against its series.",
     "period_kind": "trading_day", "formats": ["pdf", "html", "csv"],
     "schedule_cron": "0 12 * * *", "schedule_timezone": "Europe/London", "cache_ttl": "90 minutes",
     "skip_when_empty": true, "is_system": true, "change_note": "system template",
     "sections": [
       {"section_key": "event_summary", "title": "Event Summary", "section_type": "summary",
        "query_config": {"dataset": "executive_summary"}},
       {"section_key": "events", "title": "Events", "section_type": "table",
        "query_config": {"dataset": "event_performance", "parameters": {"compare_series": true}}},
       {"section_key": "arrivals_by_hour", "title": "Arrivals by Hour", "section_type": "chart",
        "query_config": {"dataset": "bookings_by_hour"}, "display_config": {"chart": "stacked_bar"}},
       {"section_key": "revenue", "title": "Revenue", "section_type": "table",
        "query_config": {"dataset": "revenue_breakdown"}}]}'),
  ('{"template_key": "customer_insights", "name": "Customer Behaviour Insights", "report_type": "customer_insights",
     "description": "Last month''s customers: who is new, who returns, who spends, when they come and how far ahead they book.",
     "period_kind": "month", "formats": ["pdf", "html", "xlsx"],
     "schedule_cron": "0 9 1 * *", "schedule_timezone": "Europe/London", "cache_ttl": "120 minutes",
     "skip_when_empty": false, "is_system": true, "change_note": "system template",
     "sections": [
       {"section_key": "customer_kpis", "title": "Customer KPIs", "section_type": "metrics",
        "query_config": {"dataset": "kpis", "parameters": {"compare": "month_ago"}}},
       {"section_key": "patterns", "title": "Behaviour Patterns", "section_type": "table",
        "query_config": {"dataset": "customer_patterns"}},
       {"section_key": "top_customers", "title": "Top Customers", "section_type": "table",
        "query_config": {"dataset": "top_customers", "parameters": {"limit": 20, "rank_by": "spend"}}},
       {"section_key": "recommendations", "title": "Recommendations", "section_type": "summary",
        "query_config": {"dataset": "recommendations_and_alerts"}}]}')
$fn$;

COMMENT ON FUNCTION internal.system_report_templates() IS
  'The system report templates (Daily Summary, Weekly Summary, Event Performance Summary, Customer Behaviour Insights) in api.create_report_template''s JSON shape.';
REVOKE ALL ON FUNCTION internal.system_report_templates() FROM PUBLIC;

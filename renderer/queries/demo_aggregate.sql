-- Drain the aggregation queue the generator filled.
SELECT api.process_hourly_aggregations() AS venue_days

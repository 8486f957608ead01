-- Nightly, after the 2am aggregation: customer analytics of every organization.
SELECT internal.schedule_cron_job(
  'nightcap-customer-analytics', '15 2 * * *',
  $cmd$SELECT api.process_customer_analytics(organization_id) FROM venue.organizations$cmd$);

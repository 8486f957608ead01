-- Run each demo organization's Daily and Weekly Summary jobs now: a run
-- scheduled now reports the last complete trading day, and the last week.
SELECT api.enqueue_run(j.job_id, now()) AS run_id
  FROM reporting.scheduled_jobs j JOIN venue.organizations o USING (organization_id)
 WHERE o.slug = ANY (%(slugs)s) AND j.name IN ('report:daily_summary', 'report:weekly_summary') AND j.enabled

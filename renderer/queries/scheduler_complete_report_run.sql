-- `nightcap scheduler` reading on a standby: end a report run whose reports were stored.
SELECT api.complete_report_run(%(run_id)s, %(worker)s, %(generated)s, %(result)s::jsonb)

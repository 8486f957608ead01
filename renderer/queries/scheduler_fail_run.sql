-- `nightcap scheduler` reading on a standby: record a report run's failed attempt; its new status.
SELECT api.fail_job(%(run_id)s, %(sqlstate)s, %(message)s, %(worker)s) AS status
